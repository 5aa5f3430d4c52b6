"""Reference timing for mokus-bench's generator-training row: one rectified-flow optimisation step of
diffusers' QwenImageTransformer2DModel in pixel space (forward, loss, backward, clip_grad_norm_, AdamW, EMA
update) on the CPU, from the same initial weights and the same batch as the Swift row (float32, the process's
CPU threads).

    x₀ = pack₂ₓ₂(pixel_unshuffle(images, p)),  x_σ = (1 − σ)·x₀ + σ·ε,  loss = mean((v̂(x_σ, σ, text) − (ε − x₀))²)

stdin: {"directory": transformer folder, "batch": safetensors path (images [B, 3, H, W], noise [B, T, C],
        sigmas [B], text [B, L, width], text_mask [B, L]), "patch": p, "repeats": n, "learning_rate",
        "weight_decay", "beta1", "beta2", "epsilon", "max_grad_norm", "ema_decay" (or null)}
stdout: one JSON object {"version", "loss": the first step's loss, "step": median seconds of a step}.
Not part of CI.
"""
import json
import sys

import diffusers
import safetensors.torch
import torch
from diffusers import QwenImageTransformer2DModel
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def packed_images(images, patch):
    latents = torch.nn.functional.pixel_unshuffle(images, patch)
    b, c, h, w = latents.shape
    latents = latents.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5)
    return latents.reshape(b, (h // 2) * (w // 2), c * 4), (h // 2, w // 2)


def main():
    request = json.load(sys.stdin)
    model = QwenImageTransformer2DModel.from_pretrained(request["directory"], torch_dtype=torch.float32)
    model.train()
    batch = safetensors.torch.load_file(request["batch"])
    clean, (h, w) = packed_images(batch["images"], request["patch"])
    sigma = batch["sigmas"].view(-1, 1, 1)
    noisy = clean * (1 - sigma) + batch["noise"] * sigma
    target = batch["noise"] - clean
    img_shapes = [[(1, h, w)]] * clean.shape[0]
    parameters = list(model.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=request["learning_rate"], weight_decay=request["weight_decay"],
                                  betas=(request["beta1"], request["beta2"]), eps=request["epsilon"])
    decay = request["ema_decay"]
    average = [p.detach().clone() for p in parameters] if decay is not None else None
    losses = []

    def step():
        optimizer.zero_grad(set_to_none=True)
        velocity = model(hidden_states=noisy, encoder_hidden_states=batch["text"],
                         encoder_hidden_states_mask=batch["text_mask"], timestep=batch["sigmas"],
                         img_shapes=img_shapes, return_dict=False)[0]
        loss = torch.nn.functional.mse_loss(velocity, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, request["max_grad_norm"])
        optimizer.step()
        if average is not None:
            with torch.no_grad():
                torch._foreach_lerp_(average, parameters, 1 - decay)
        losses.append(loss.item())

    seconds = median_seconds(step, request["repeats"])
    print(json.dumps({"version": f"diffusers {diffusers.__version__}, torch {torch.__version__}",
                      "loss": losses[0], "step": seconds}))


if __name__ == "__main__":
    main()
