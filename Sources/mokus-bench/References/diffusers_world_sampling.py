"""Reference timings for mokus-bench's world-generator rows: diffusers' QwenImagePipeline on a pixel-space
pipeline folder (transformer/ + scheduler/, no vae/), from the prompt embeddings and initial noise the Swift
side wrote, on the CPU (float32, the process's CPU threads).

The pipeline is built without VAE, text encoder and tokenizer; `vae_scale_factor` is set to the pixel patch p
(transformer out_channels = 3·p²), so its latents are H/p × W/p × 3p² channels packed 2×2, as ours. It returns
packed latents (output_type="latent"); this script unpacks them, unfolds each latent position into its p×p
pixels (F.pixel_shuffle, the inverse of PixelPatchCodec.encode) and maps [−1, 1] to [0, 1], as ours decodes.

stdin: {"directory": pipeline folder, "patch": p, "true_cfg_scale": s,
        "cases": [{"name", "repeats": n, "inputs": safetensors path (prompt_embeds, prompt_embeds_mask, negative_prompt_embeds,
                   negative_prompt_embeds_mask, initial_latents), "output": safetensors path, "height", "width",
                   "steps"}]}
stdout: one JSON object per case {"name", "version", "sample"}: median seconds of one call (denoising loop
and unfolding; no text encoder) after a warm-up call, whose images [B, 3, H, W] are written to the case's
"output" ("images").
Not part of CI.
"""
import json
import sys

import diffusers
import safetensors.torch
import torch
from diffusers import FlowMatchEulerDiscreteScheduler, QwenImagePipeline, QwenImageTransformer2DModel
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def load_pipeline(folder, patch):
    pipe = QwenImagePipeline(
        scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(folder, subfolder="scheduler"),
        vae=None, text_encoder=None, tokenizer=None,
        transformer=QwenImageTransformer2DModel.from_pretrained(
            folder, subfolder="transformer", torch_dtype=torch.float32).eval())
    pipe.vae_scale_factor = patch
    pipe.set_progress_bar_config(disable=True)
    return pipe


def sampler(pipe, case, patch, scale):
    inputs = safetensors.torch.load_file(case["inputs"])
    height, width = case["height"], case["width"]

    def sample():
        with torch.no_grad():
            packed = pipe(prompt_embeds=inputs["prompt_embeds"], prompt_embeds_mask=inputs["prompt_embeds_mask"],
                          negative_prompt_embeds=inputs["negative_prompt_embeds"],
                          negative_prompt_embeds_mask=inputs["negative_prompt_embeds_mask"],
                          true_cfg_scale=scale, height=height, width=width, num_inference_steps=case["steps"],
                          latents=inputs["initial_latents"].clone(), output_type="latent", return_dict=False)[0]
            batch, channels = packed.shape[0], packed.shape[2] // 4
            h, w = height // patch // 2, width // patch // 2
            latents = packed.view(batch, h, w, channels, 2, 2).permute(0, 3, 1, 4, 2, 5)
            latents = latents.reshape(batch, channels, 2 * h, 2 * w)
            return (torch.nn.functional.pixel_shuffle(latents, patch) * 0.5 + 0.5).clamp(0, 1)

    return sample


def main():
    request = json.load(sys.stdin)
    pipe = load_pipeline(request["directory"], request["patch"])
    version = f"diffusers {diffusers.__version__}, torch {torch.__version__}"
    for case in request["cases"]:
        sample = sampler(pipe, case, request["patch"], request["true_cfg_scale"])
        safetensors.torch.save_file({"images": sample().contiguous()}, case["output"])
        seconds = median_seconds(sample, case["repeats"], warm_up=False)
        print(json.dumps({"name": case["name"], "version": version, "sample": seconds}), flush=True)


if __name__ == "__main__":
    main()
