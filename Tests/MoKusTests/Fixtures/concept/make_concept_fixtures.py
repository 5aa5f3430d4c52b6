#!/usr/bin/env python3
"""Golden fixtures for MoKus concept learning (`mokus learn-concept`), checked against Pillow and diffusers.

Two stages, run by hand from the repository root with torch + diffusers + peft + Pillow + safetensors (CPU):

1. `images`: writes the concept images `images/` (two PNGs, two JPEGs of other sizes than the generator's
   16×16) and `images_reference.safetensors`: what Pillow decodes from each file (`decoded_{name}`, uint8
   [H, W, 3]) and what the DreamBooth script's preprocessing (torchvision `Resize(16)` bilinear on the PIL image,
   then `CenterCrop(16)`, written out below with Pillow as torchvision computes it) makes of it
   (`resized_{name}`, uint8 [16, 16, 3]).

       python3 Tests/MoKusTests/Fixtures/concept/make_concept_fixtures.py images

2. Our side: `mokus learn-concept` trains a LoRA on the generator fixture from those images (the command is in
   SCHEMA.md) and writes `lora.safetensors`.

3. `lora`: loads `lora.safetensors` (ours) with diffusers' `QwenImagePipeline.load_lora_weights` into the
   tiny transformer `Tests/GeneratorsTests/Fixtures/pipeline/transformer`, runs it in float64 on seeded
   inputs, and writes `lora_reference.safetensors` (inputs, the output with the LoRA, the output without).

       python3 Tests/MoKusTests/Fixtures/concept/make_concept_fixtures.py lora

The Swift tests (MoKusTests/ConceptFixtureTests) read the same files and compare. MANIFEST.sha256 pins the
bytes of every file; VERSIONS.json records the library versions.
"""
import argparse
import hashlib
import json
import os

import numpy as np
import PIL
import safetensors.torch
import torch
import diffusers
import peft
from PIL import Image
from diffusers import FlowMatchEulerDiscreteScheduler, QwenImagePipeline, QwenImageTransformer2DModel

HERE = os.path.dirname(os.path.abspath(__file__))
PIPELINE = os.path.join(HERE, "..", "..", "..", "GeneratorsTests", "Fixtures", "pipeline")
SIZE = 16
# name, (width, height), format
IMAGES = [("a.png", (24, 20), "PNG"), ("b.jpg", (20, 28), "JPEG"), ("c.png", (16, 16), "PNG"), ("d.jpeg", (33, 24), "JPEG")]


def concept_picture(width, height, seed):
    """A blurred disc with a stripe on a gradient: smooth enough that JPEG and resampling matter, seeded."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    cx, cy, r = width * rng.uniform(0.4, 0.6), height * rng.uniform(0.4, 0.6), min(width, height) * 0.3
    disc = 1 / (1 + np.exp((np.hypot(x - cx, y - cy) - r) * 1.5))
    stripe = (np.sin(x * 0.9 + y * 0.4) > 0.3) * disc
    rgb = np.stack([40 + 150 * disc + 40 * stripe, 60 + 30 * y / height + 120 * stripe, 90 + 50 * x / width], -1)
    return Image.fromarray(np.clip(rgb + rng.normal(0, 4, rgb.shape), 0, 255).astype(np.uint8), "RGB")


def preprocess(picture, size):
    """torchvision `Resize(size, BILINEAR)` then `CenterCrop(size)` on a PIL image
    (torchvision/transforms/functional.py `_compute_resized_output_size`, `center_crop`): the shorter side
    becomes `size`, the longer `int(size * long / short)`; Pillow's bilinear resize; crop offsets
    `int(round((side - size) / 2))`."""
    width, height = picture.size
    short, long = min(width, height), max(width, height)
    new_short, new_long = size, int(size * long / short)
    new_width, new_height = (new_short, new_long) if width <= height else (new_long, new_short)
    if (new_width, new_height) != (width, height):
        picture = picture.resize((new_width, new_height), Image.BILINEAR)
    top, left = int(round((new_height - size) / 2.0)), int(round((new_width - size) / 2.0))
    return picture.crop((left, top, left + size, top + size))


def make_images():
    os.makedirs(os.path.join(HERE, "images"), exist_ok=True)
    tensors = {}
    for index, (name, (width, height), kind) in enumerate(IMAGES):
        path = os.path.join(HERE, "images", name)
        picture = concept_picture(width, height, index)
        picture.save(path, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
        decoded = Image.open(path).convert("RGB")
        key = name.replace(".", "_")
        tensors[f"decoded_{key}"] = torch.from_numpy(np.asarray(decoded).copy())
        tensors[f"resized_{key}"] = torch.from_numpy(np.asarray(preprocess(decoded, SIZE)).copy())
    safetensors.torch.save_file(tensors, os.path.join(HERE, "images_reference.safetensors"))


def make_lora_reference():
    transformer = QwenImageTransformer2DModel.from_pretrained(os.path.join(PIPELINE, "transformer"))
    scheduler = FlowMatchEulerDiscreteScheduler.from_pretrained(os.path.join(PIPELINE, "scheduler"))
    generator = torch.Generator().manual_seed(12)
    c = transformer.config
    tokens = 2 * 2  # a 16×16 image: VAE factor 4 gives 4×4 latents, packed 2×2 into a 2×2 token grid
    hidden = torch.randn(2, tokens, c.in_channels, generator=generator)
    text = torch.randn(2, 6, c.joint_attention_dim, generator=generator)
    mask = torch.ones(2, 6, dtype=torch.long)
    mask[1, 4:] = 0
    timestep = torch.tensor([0.8, 0.3])
    inputs = dict(hidden_states=hidden, encoder_hidden_states=text, encoder_hidden_states_mask=mask, timestep=timestep,
                  img_shapes=[(1, 2, 2)] * 2, return_dict=False)

    def run():
        transformer.to(torch.float64)
        with torch.no_grad():
            out = transformer(**{k: (v.double() if torch.is_tensor(v) and v.is_floating_point() else v)
                                 for k, v in inputs.items()})[0]
        return out.float()

    base = run()
    transformer.to(torch.float32)
    pipe = QwenImagePipeline(scheduler=scheduler, vae=None, text_encoder=None, tokenizer=None, transformer=transformer)
    pipe.load_lora_weights(os.path.join(HERE, "lora.safetensors"))
    adapted = [n for n, m in transformer.named_modules() if hasattr(m, "lora_A") and len(m.lora_A) > 0]
    assert len(adapted) == 4 * c.num_layers, adapted
    with_lora = run()
    print("max |with LoRA − base| =", (with_lora - base).abs().max().item())
    safetensors.torch.save_file(
        {"hidden_states": hidden, "encoder_hidden_states": text, "encoder_hidden_states_mask": mask.float(),
         "timestep": timestep, "output_base": base.contiguous(), "output_lora": with_lora.contiguous()},
        os.path.join(HERE, "lora_reference.safetensors"))


def write_manifest():
    names = sorted(os.path.relpath(os.path.join(root, f), HERE) for root, _, files in os.walk(HERE) for f in files
                   if f not in ("MANIFEST.sha256",) and not f.endswith(".py") and "checkpoints" not in root)
    with open(os.path.join(HERE, "MANIFEST.sha256"), "w") as out:
        for name in names:
            with open(os.path.join(HERE, name), "rb") as f:
                out.write(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
    with open(os.path.join(HERE, "VERSIONS.json"), "w") as out:
        json.dump({"torch": torch.__version__, "diffusers": diffusers.__version__,
                   "peft": peft.__version__, "Pillow": PIL.__version__}, out, indent=1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["images", "lora"])
    stage = parser.parse_args().stage
    make_images() if stage == "images" else make_lora_reference()
    write_manifest()
