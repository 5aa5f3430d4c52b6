"""PyTorch reference for `mokus-cuda check --timing`: the same cases, shapes, warm-up (2 runs)
and iteration counts, timed the same way (wall clock between two synchronisations), on the same
GPU. Prints one line per case in mokus-cuda's format. Not part of the product: run beside it.

Usage: python3 torch_cuda_reference.py
"""
import time

import torch
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False  # Float32 GEMMs in Float32, as mokus-cuda's
torch.manual_seed(5)
dev = "cuda"


def measure(name, body, iterations=20, flops=0.0, nbytes=0.0):
    for _ in range(2):
        body()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iterations):
        body()
    torch.cuda.synchronize()
    ms = (time.perf_counter() - start) * 1000 / iterations
    rate = f"{flops / ms / 1e9:7.1f} TFLOP/s" if flops else f"{nbytes / ms / 1e6:7.1f} GB/s"
    print(f"torch {name:<46} {ms:9.3f} ms  {rate}", flush=True)


for m, n, k, label in [(4096, 4096, 4096, "4096³"), (8192, 8192, 8192, "8192³"), (4096, 18944, 3584, "Qwen2.5-7B MLP up 4096 tok")]:
    for dtype, tag in [(torch.bfloat16, "BF16"), (torch.float32, "F32")]:
        if dtype == torch.float32 and m != 4096:
            continue
        a = (torch.randn(m, k, device=dev) * 0.1).to(dtype)
        b = (torch.randn(k, n, device=dev) * 0.1).to(dtype)
        measure(f"matmul {tag} {label}", lambda: a @ b, flops=2.0 * m * n * k)

for heads, kv, length, causal, label in [(28, 4, 4096, True, "Qwen2.5-7B 4096 tok causal"), (24, 24, 4352, False, "Qwen-Image 1024² joint")]:
    flops = 4.0 * heads * length * length * 128 * (0.5 if causal else 1.0)
    for dtype, tag in [(torch.bfloat16, "BF16"), (torch.float32, "F32")]:
        q = torch.randn(1, heads, length, 128, device=dev, dtype=dtype)
        k = torch.randn(1, kv, length, 128, device=dev, dtype=dtype)
        v = torch.randn(1, kv, length, 128, device=dev, dtype=dtype)
        measure(f"attention {tag} {label} (sdpa)", lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=kv != heads),
                iterations=10, flops=flops)

        def unfused():
            kk, vv = k.repeat_interleave(heads // kv, 1), v.repeat_interleave(heads // kv, 1)
            s = (q @ kk.transpose(-1, -2)).float() * 128 ** -0.5
            if causal:
                s = s.masked_fill(torch.ones(length, length, device=dev, dtype=torch.bool).triu(1), float("-inf"))
            return s.softmax(-1).to(dtype) @ vv
        measure(f"attention {tag} {label} (unfused)", unfused, iterations=10, flops=flops)

x = torch.randn(4096, 3584, device=dev)
w = torch.randn(3584, device=dev)
measure("rmsNorm f32 [4096, 3584]", lambda: F.rms_norm(x, (3584,), w, 1e-6), iterations=50, nbytes=2 * 4 * 4096 * 3584)
measure("softmax f32 [4096, 3584]", lambda: x.softmax(-1), iterations=50, nbytes=2 * 4 * 4096 * 3584)
measure("silu f32 [4096, 3584]", lambda: F.silu(x), iterations=50, nbytes=2 * 4 * 4096 * 3584)
def qwen2_layer(length, activations):
    """Qwen2.5-7B's decoder layer (+ final RMSNorm), bf16 weights, batch 1: `activations` bf16 runs
    end to end in bf16 (how the model is usually run); f32 keeps Float32 activations, rounds them
    to bf16 for each projection (Float32 accumulation) and attends in Float32, as mokus-cuda does."""
    d, heads, kv, hd, m = 3584, 28, 4, 128, 18944
    def w(*shape):
        return ((torch.rand(*shape, device=dev) - 0.5) * 0.07).to(torch.bfloat16)
    wq, wk, wv, wo = w(d, d), w(kv * hd, d), w(kv * hd, d), w(d, d)
    bq, bk, bv = w(d), w(kv * hd), w(kv * hd)
    wg, wu, wd = w(m, d), w(m, d), w(d, m)
    n1, n2, nf = (torch.ones(d, device=dev) for _ in range(3))
    inv = 1.0 / (1e6 ** (torch.arange(0, hd, 2, device=dev).float() / hd))
    angles = torch.arange(length, device=dev).float()[:, None] * inv[None, :]
    cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)
    dtype = torch.bfloat16 if activations == "bf16" else torch.float32

    def linear(x, weight, bias=None):
        return F.linear(x.to(torch.bfloat16), weight, bias).to(dtype)

    def rope(t):
        half = t.shape[-1] // 2
        rotated = torch.cat([-t[..., half:], t[..., :half]], -1)
        return (t * cos.to(dtype) + rotated * sin.to(dtype)).to(dtype)

    x = torch.randn(1, length, d, device=dev, dtype=dtype)

    def layer():
        y = F.rms_norm(x, (d,), n1.to(dtype), 1e-6)
        q = rope(linear(y, wq, bq).view(1, length, heads, hd).transpose(1, 2))
        k = rope(linear(y, wk, bk).view(1, length, kv, hd).transpose(1, 2))
        v = linear(y, wv, bv).view(1, length, kv, hd).transpose(1, 2)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        h = x + linear(a.transpose(1, 2).reshape(1, length, d), wo)
        y = F.rms_norm(h, (d,), n2.to(dtype), 1e-6)
        h = h + linear(F.silu(linear(y, wg)) * linear(y, wu), wd)
        return F.rms_norm(h, (d,), nf.to(dtype), 1e-6)

    flops = 2.0 * 233_050_624 * length + 2.0 * length * length * heads * hd
    with torch.no_grad():
        measure(f"Qwen2.5-7B layer forward {activations} act, {length:5d} tok", layer, iterations=10, flops=flops)


for length in (512, 4096):
    for activations in ("bf16", "f32"):
        qwen2_layer(length, activations)

print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}, peak {torch.cuda.max_memory_allocated() >> 20} MiB allocated")
