#!/usr/bin/env python3
"""Golden parity fixtures for the Swift Qwen-Image generator (transformer, VAE, scheduler, sampling).

Builds tiny random-weight diffusers components with fixed seeds (the configurations of diffusers' own
`tests/pipelines/qwenimage/test_qwenimage.py`), saves them as diffusers component folders, and writes beside
them what diffusers computes from those saved files. Transformer and VAE references are computed in float64
from the float32 weights (so the reference itself carries no float32 rounding); the end-to-end sample runs the
real `QwenImagePipeline` in float32, as users run it. SCHEMA.md beside this script lists every file and tensor;
the script writes MANIFEST.sha256, which pins the bytes, and VERSIONS.json.

Run by hand on a machine with torch + diffusers + transformers + peft + safetensors (CPU is enough; about a
minute), from the repository root:

    python3 Tests/GeneratorsTests/Fixtures/make_fixtures.py --out Tests/GeneratorsTests/Fixtures

The end-to-end fixture encodes its prompts with the committed tiny Qwen2.5-VL text encoder of the text-encoder
tests (Tests/TextEncodersTests/Fixtures/qwen2_5_vl, hidden size 64, its own small BPE tokenizer), so the Swift
test can run the whole chain: prompt → template → encoder → transformer → scheduler → VAE → image.
"""
import argparse
import hashlib
import json
import os
import shutil

import numpy as np
import safetensors.torch
import torch
import diffusers
import peft
import transformers
from diffusers import AutoencoderKLQwenImage, FlowMatchEulerDiscreteScheduler, QwenImagePipeline
from diffusers import QwenImageTransformer2DModel
from diffusers.pipelines.qwenimage.pipeline_qwenimage import calculate_shift, retrieve_timesteps
from peft import LoraConfig
from peft.utils import get_peft_model_state_dict

# diffusers' test configuration (tests/pipelines/qwenimage/test_qwenimage.py).
TRANSFORMER_CONFIG = dict(patch_size=2, in_channels=16, out_channels=4, num_layers=2, attention_head_dim=16,
                          num_attention_heads=3, joint_attention_dim=16, guidance_embeds=False, axes_dims_rope=(8, 4, 4))
# Latent statistics made non-trivial so that the pipeline's (de)normalisation is exercised.
VAE_CONFIG = dict(base_dim=24, z_dim=4, dim_mult=[1, 2, 4], num_res_blocks=1, temperal_downsample=[False, True],
                  latents_mean=[0.25, -0.5, 0.125, 0.75], latents_std=[1.5, 0.75, 2.0, 1.25])
# The end-to-end fixture's VAE: the same structure at a third of the width (keeps the repository small).
PIPELINE_VAE_CONFIG = {**VAE_CONFIG, "base_dim": 8}
# Qwen/Qwen-Image scheduler/scheduler_config.json.
QWEN_IMAGE_SCHEDULER = dict(num_train_timesteps=1000, shift=1.0, use_dynamic_shifting=True, base_shift=0.5,
                            max_shift=0.9, base_image_seq_len=256, max_image_seq_len=8192, time_shift_type="exponential",
                            shift_terminal=0.02, invert_sigmas=False, use_karras_sigmas=False,
                            use_exponential_sigmas=False, use_beta_sigmas=False, stochastic_sampling=False)
LORA_RANK, LORA_ALPHA = 4, 8
LORA_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]
ENCODER_FIXTURE = "Tests/TextEncodersTests/Fixtures/qwen2_5_vl"


def perturbed(module, seed):
    """Default (seeded) initialisation, plus noise on every 1-D parameter so biases and norm gains are not
    the trivial zeros and ones a port could get right by accident."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, parameter in sorted(module.named_parameters()):
            if parameter.dim() == 1:
                parameter.add_(0.1 * torch.randn(parameter.shape, generator=generator))
    return module.eval()


def f32(tensor):
    return tensor.detach().to(torch.float32).contiguous().cpu()


def save_tensors(path, tensors):
    safetensors.torch.save_file({name: f32(value) for name, value in tensors.items()}, path)


# ----------------------------------------------------------------------------------------------- transformer

def transformer_fixture(out):
    torch.manual_seed(0)
    model = perturbed(QwenImageTransformer2DModel(**TRANSFORMER_CONFIG), seed=1)
    model.save_pretrained(os.path.join(out, "transformer"), safe_serialization=True)
    model = QwenImageTransformer2DModel.from_pretrained(os.path.join(out, "transformer")).double().eval()

    generator = torch.Generator().manual_seed(2)
    batch, frames, height, width, text_length = 2, 1, 4, 6, 7
    inner = TRANSFORMER_CONFIG["num_attention_heads"] * TRANSFORMER_CONFIG["attention_head_dim"]
    inputs = dict(
        hidden_states=torch.randn(batch, frames * height * width, TRANSFORMER_CONFIG["in_channels"], generator=generator),
        encoder_hidden_states=torch.randn(batch, text_length, TRANSFORMER_CONFIG["joint_attention_dim"], generator=generator),
        encoder_hidden_states_mask=torch.tensor([[1.0] * 7, [1.0] * 5 + [0.0] * 2]),
        timestep=torch.tensor([0.7, 0.25]),
    )
    img_shapes = [[(frames, height, width)]] * batch

    def run(model, **extra):
        captured = {}
        hooks = [model.time_text_embed.register_forward_hook(lambda m, a, o: captured.__setitem__("temb", o)),
                 model.transformer_blocks[0].register_forward_hook(
                     lambda m, a, o: captured.update(block0_encoder_hidden_states=o[0], block0_hidden_states=o[1]))]
        with torch.no_grad():
            output = model(**{k: v.double() for k, v in inputs.items()}, img_shapes=img_shapes, return_dict=False)[0]
        for hook in hooks:
            hook.remove()
        return output, captured

    reference = dict(inputs)
    output, captured = run(model)
    reference.update(output=output, **captured)

    # Per-token modulation (reference C.4): txt_mod sees temb + delta on masked text tokens.
    delta = 2 * torch.randn(batch, text_length, inner, generator=generator)
    mask = torch.zeros(batch, text_length)
    mask[0, 2:4] = 1
    mask[1, 1] = 1
    reference.update(modulation_delta=delta, modulation_mask=mask,
                     output_modulated=per_token_modulated(model, run, delta.double(), mask.double()))

    # LoRA on the image-stream attention projections, saved the way the DreamBooth script saves it.
    config = LoraConfig(r=LORA_RANK, lora_alpha=LORA_ALPHA, init_lora_weights="gaussian", target_modules=LORA_TARGETS)
    lora_model = QwenImageTransformer2DModel.from_pretrained(os.path.join(out, "transformer"))
    lora_model.add_adapter(config)
    with torch.no_grad():
        for name, parameter in sorted(lora_model.named_parameters()):
            if "lora_B" in name:  # PEFT initialises B to zero: make the adapter do something
                parameter.copy_(0.2 * torch.randn(parameter.shape, generator=generator))
    QwenImagePipeline.save_lora_weights(
        out, transformer_lora_layers=get_peft_model_state_dict(lora_model), weight_name="transformer_lora.safetensors",
        transformer_lora_adapter_metadata=config.to_dict())
    loaded = QwenImageTransformer2DModel.from_pretrained(os.path.join(out, "transformer"))
    pipe = QwenImagePipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=None, text_encoder=None,
                             tokenizer=None, transformer=loaded)
    pipe.load_lora_weights(os.path.join(out, "transformer_lora.safetensors"))
    reference["output_lora"], _ = run(pipe.transformer.double().eval())

    save_tensors(os.path.join(out, "transformer_reference.safetensors"), reference)


class PerTokenModulation(torch.nn.Module):
    """A block's txt_mod made per token: where mask is 1, txt_mod(temb + delta) (the offset enters before
    SiLU + Linear), elsewhere txt_mod(temb). Output (B, L, 6·D) instead of (B, 6·D)."""

    def __init__(self, txt_mod, delta, mask):
        super().__init__()
        self.txt_mod, self.delta, self.mask = txt_mod, delta, mask

    def forward(self, temb):
        shifted = self.txt_mod(temb[:, None, :] + self.delta)
        plain = self.txt_mod(temb)[:, None, :].expand_as(shifted)
        return torch.where(self.mask[..., None] > 0, shifted, plain)


def per_token_modulated(model, run, delta, mask):
    """Model output with per-token text modulation in every block (reference C.4). Blocks' `_modulate`
    broadcasts (B, 3·D) parameters over tokens; (B, L, 3·D) ones are used as they are."""
    originals = []
    for block in model.transformer_blocks:
        modulate = block._modulate

        def modulate_any_rank(x, mod_params, index=None, modulate=modulate):
            if mod_params.dim() == 2:
                return modulate(x, mod_params, index)
            shift, scale, gate = mod_params.chunk(3, dim=-1)
            return x * (1 + scale) + shift, gate

        originals.append((block, block.txt_mod))
        block.txt_mod = PerTokenModulation(block.txt_mod, delta, mask)
        block._modulate = modulate_any_rank
    output, _ = run(model)
    for block, txt_mod in originals:
        block.txt_mod = txt_mod
        del block._modulate  # back to the class method
    return output


# ----------------------------------------------------------------------------------------------- VAE

def vae_fixture(out):
    torch.manual_seed(0)
    model = perturbed(AutoencoderKLQwenImage(**VAE_CONFIG), seed=3)
    # Stored as bf16 (half the bytes; also exercises the bf16 path); the reference uses those rounded weights.
    model.to(torch.bfloat16).save_pretrained(os.path.join(out, "vae"), safe_serialization=True)
    model = AutoencoderKLQwenImage.from_pretrained(os.path.join(out, "vae")).double().eval()
    generator = torch.Generator().manual_seed(4)
    image = (torch.rand(1, 3, 32, 40, generator=generator) * 2 - 1).double()
    latent = torch.randn(1, 4, 8, 10, generator=generator).double()
    with torch.no_grad():
        distribution = model.encode(image[:, :, None]).latent_dist
        decoded = model.decode(latent[:, :, None]).sample[:, :, 0]
    save_tensors(os.path.join(out, "vae_reference.safetensors"), dict(
        image=image, latent_mean=distribution.mean[:, :, 0], latent_logvar=distribution.logvar[:, :, 0],
        latent=latent, decoded=decoded))


# ----------------------------------------------------------------------------------------------- scheduler

def scheduler_fixture(out):
    scheduler = FlowMatchEulerDiscreteScheduler(**QWEN_IMAGE_SCHEDULER)
    cases = []
    for image_seq_len in (1024, 4096):  # 512² and 1024² images
        for steps in (4, 20, 50):
            sigmas = np.linspace(1.0, 1 / steps, steps)
            mu = calculate_shift(image_seq_len, scheduler.config.base_image_seq_len, scheduler.config.max_image_seq_len,
                                 scheduler.config.base_shift, scheduler.config.max_shift)
            timesteps, _ = retrieve_timesteps(scheduler, steps, "cpu", sigmas=sigmas, mu=mu)
            cases.append(dict(steps=steps, image_seq_len=image_seq_len, mu=mu,
                              sigmas=[float(s) for s in scheduler.sigmas], timesteps=[float(t) for t in timesteps]))
    with open(os.path.join(out, "scheduler.json"), "w") as f:
        json.dump(dict(config=QWEN_IMAGE_SCHEDULER, cases=cases), f, indent=1)


# ----------------------------------------------------------------------------------------------- sampling

def pipeline_fixture(out, repository):
    folder = os.path.join(out, "pipeline")
    encoder_dir = os.path.join(repository, ENCODER_FIXTURE)
    text_encoder = transformers.Qwen2_5_VLForConditionalGeneration.from_pretrained(encoder_dir).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(encoder_dir)
    torch.manual_seed(5)
    transformer = perturbed(QwenImageTransformer2DModel(**{**TRANSFORMER_CONFIG, "joint_attention_dim": 64}), seed=6)
    torch.manual_seed(7)
    vae = perturbed(AutoencoderKLQwenImage(**PIPELINE_VAE_CONFIG), seed=8)
    scheduler = FlowMatchEulerDiscreteScheduler(**QWEN_IMAGE_SCHEDULER)
    transformer.save_pretrained(os.path.join(folder, "transformer"), safe_serialization=True)
    vae.save_pretrained(os.path.join(folder, "vae"), safe_serialization=True)
    scheduler.save_pretrained(os.path.join(folder, "scheduler"))

    pipe = QwenImagePipeline(scheduler=scheduler, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                             transformer=transformer)
    settings = dict(prompt="A red apple on a wooden table, in the style of a watercolor painting.",
                    negative_prompt="blurry", true_cfg_scale=4.0, height=32, width=32, num_inference_steps=2,
                    max_sequence_length=512)
    embeds, mask = pipe.encode_prompt(settings["prompt"], max_sequence_length=settings["max_sequence_length"])
    negative, negative_mask = pipe.encode_prompt(settings["negative_prompt"],
                                                 max_sequence_length=settings["max_sequence_length"])
    channels = transformer.config.in_channels // 4
    side = 2 * (settings["height"] // (pipe.vae_scale_factor * 2))
    noise = torch.randn(1, 1, channels, side, side, generator=torch.Generator().manual_seed(9))
    initial = pipe._pack_latents(noise, 1, channels, side, side)

    steps = []
    def record(pipeline, index, timestep, tensors):
        steps.append(tensors["latents"].clone())
        return tensors

    with torch.no_grad():
        image = pipe(**settings, latents=initial.clone(), output_type="pt", callback_on_step_end=record,
                     callback_on_step_end_tensor_inputs=["latents"]).images
    ones = lambda m, e: m if m is not None else torch.ones(e.shape[:2])
    save_tensors(os.path.join(out, "pipeline_reference.safetensors"), dict(
        prompt_embeds=embeds, prompt_embeds_mask=ones(mask, embeds), negative_prompt_embeds=negative,
        negative_prompt_embeds_mask=ones(negative_mask, negative), initial_latents=initial,
        latents_step0=steps[0], latents_step1=steps[1], image=image))
    with open(os.path.join(out, "pipeline_reference.json"), "w") as f:
        json.dump(dict(settings, encoder=ENCODER_FIXTURE, vae_scale_factor=pipe.vae_scale_factor,
                       prompt_template_encode_start_idx=pipe.prompt_template_encode_start_idx,
                       prompt_template=pipe.prompt_template_encode), f, indent=1)


# ----------------------------------------------------------------------------------------------- main

def manifest(out):
    lines = []
    for root, _, files in os.walk(out):
        for name in sorted(files):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, out)
            if relative in ("MANIFEST.sha256", "make_fixtures.py", "SCHEMA.md"):
                continue
            with open(path, "rb") as f:
                lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {relative}")
    with open(os.path.join(out, "MANIFEST.sha256"), "w") as f:
        f.write("\n".join(sorted(lines, key=lambda l: l.split("  ")[1])) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--repository", default=".", help="repository root (for the text-encoder fixture)")
    args = parser.parse_args()
    for name in ("transformer", "vae", "pipeline"):
        shutil.rmtree(os.path.join(args.out, name), ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    torch.use_deterministic_algorithms(True)
    transformer_fixture(args.out)
    vae_fixture(args.out)
    scheduler_fixture(args.out)
    pipeline_fixture(args.out, args.repository)
    with open(os.path.join(args.out, "VERSIONS.json"), "w") as f:
        json.dump(dict(torch=torch.__version__, diffusers=diffusers.__version__, transformers=transformers.__version__,
                       peft=peft.__version__), f, indent=1)
    manifest(args.out)


if __name__ == "__main__":
    main()
