"""Reference timings for mokus-bench's generator rows: the same checkpoints and inputs through diffusers on
the CPU (float32, the process's CPU threads).

stdin: {"kind": "transformer", "directory": path, "inputs": safetensors path, "image_shape": [f, h, w],
        "repeats": n}
   → {"version", "forward", "backward"}: median seconds of one forward of the transformer in `directory`, and of
     forward + backward of sum(output · probe) to the image and text inputs (weights frozen).
stdin: {"kind": "vae", "directory": path, "inputs": safetensors path ("latent" [1, 16, h, w]), "repeats": n}
   → {"version", "decode"}: median seconds of AutoencoderKLQwenImage.decode of that latent (one frame).
stdin: {"kind": "pipeline", "directory": pipeline folder, "inputs": safetensors path (prompt_embeds,
        prompt_embeds_mask, negative_prompt_embeds, negative_prompt_embeds_mask, initial_latents),
        "height", "width", "steps", "true_cfg_scale", "repeats"}
   → {"version", "sample"}: median seconds of a whole QwenImagePipeline call from the embeddings (denoising
     loop and VAE decode; no text encoder).
Not part of CI.
"""
import json
import sys

import diffusers
import safetensors.torch
import torch
from diffusers import AutoencoderKLQwenImage, FlowMatchEulerDiscreteScheduler, QwenImagePipeline
from diffusers import QwenImageTransformer2DModel
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def transformer_timings(request):
    model = QwenImageTransformer2DModel.from_pretrained(request["directory"], torch_dtype=torch.float32).eval()
    model.requires_grad_(False)
    inputs = safetensors.torch.load_file(request["inputs"])
    img_shapes = [[tuple(request["image_shape"])]] * inputs["hidden_states"].shape[0]

    def run(hidden_states, encoder_hidden_states):
        return model(hidden_states=hidden_states, encoder_hidden_states=encoder_hidden_states,
                     encoder_hidden_states_mask=inputs["encoder_hidden_states_mask"], timestep=inputs["timestep"],
                     img_shapes=img_shapes, return_dict=False)[0]

    def forward():
        with torch.no_grad():
            run(inputs["hidden_states"], inputs["encoder_hidden_states"])

    def forward_backward():
        image = inputs["hidden_states"].clone().requires_grad_(True)
        text = inputs["encoder_hidden_states"].clone().requires_grad_(True)
        (run(image, text) * inputs["probe"]).sum().backward()

    repeats = request["repeats"]
    return {"forward": median_seconds(forward, repeats), "backward": median_seconds(forward_backward, repeats)}


def vae_timings(request):
    model = AutoencoderKLQwenImage.from_pretrained(request["directory"], torch_dtype=torch.float32).eval()
    latent = safetensors.torch.load_file(request["inputs"])["latent"][:, :, None]

    def decode():
        with torch.no_grad():
            model.decode(latent)

    return {"decode": median_seconds(decode, request["repeats"])}


def pipeline_timings(request):
    folder = request["directory"]
    pipe = QwenImagePipeline(
        scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(folder, subfolder="scheduler"),
        vae=AutoencoderKLQwenImage.from_pretrained(folder, subfolder="vae").eval(),
        text_encoder=None, tokenizer=None,
        transformer=QwenImageTransformer2DModel.from_pretrained(folder, subfolder="transformer").eval())
    pipe.set_progress_bar_config(disable=True)
    inputs = safetensors.torch.load_file(request["inputs"])

    def sample():
        with torch.no_grad():
            pipe(prompt_embeds=inputs["prompt_embeds"], prompt_embeds_mask=inputs["prompt_embeds_mask"],
                 negative_prompt_embeds=inputs["negative_prompt_embeds"],
                 negative_prompt_embeds_mask=inputs["negative_prompt_embeds_mask"],
                 true_cfg_scale=request["true_cfg_scale"], height=request["height"], width=request["width"],
                 num_inference_steps=request["steps"], latents=inputs["initial_latents"].clone(), output_type="pt")

    return {"sample": median_seconds(sample, request["repeats"])}


def main():
    request = json.load(sys.stdin)
    timings = {"transformer": transformer_timings, "vae": vae_timings, "pipeline": pipeline_timings}
    result = timings[request["kind"]](request)
    result["version"] = f"diffusers {diffusers.__version__}, torch {torch.__version__}"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
