"""Reference timings for mokus-bench: the same operations in numpy, run from the same command.

Reads a JSON list of cases on stdin, prints one JSON object per case on stdout:
{"name": ..., "seconds": median seconds, "detail": ...}. Not part of the product or of CI.
"""
import json
import sys

import numpy as np
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def gemm(case):
    n = case["n"]
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return lambda: a @ b


def attention(case):
    b, h, l, d = case["batch"], case["heads"], case["length"], case["width"]
    rng = np.random.default_rng(0)
    q, k, v, g = (rng.standard_normal((b, h, l, d), dtype=np.float32) for _ in range(4))
    scale = np.float32(1 / np.sqrt(d))
    causal = np.tril(np.ones((l, l), dtype=bool))

    def forward_backward():
        s = (q @ k.transpose(0, 1, 3, 2)) * scale
        s = np.where(causal, s, np.float32(-np.inf))
        s -= s.max(-1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(-1, keepdims=True)
        _ = p @ v
        dp = g @ v.transpose(0, 1, 3, 2)
        _ = p.transpose(0, 1, 3, 2) @ g
        ds = p * (dp - (dp * p).sum(-1, keepdims=True))
        _ = (ds @ k) * scale
        _ = (ds.transpose(0, 1, 3, 2) @ q) * scale

    return forward_backward


def rows(case):
    rng = np.random.default_rng(0)
    return rng.standard_normal((case["rows"], case["width"]), dtype=np.float32)


def rmsnorm(case):
    x = rows(case)
    w = np.ones(case["width"], dtype=np.float32)
    return lambda: x / np.sqrt((x * x).mean(-1, keepdims=True) + np.float32(1e-6)) * w


def softmax(case):
    x = rows(case)

    def run():
        e = np.exp(x - x.max(-1, keepdims=True))
        e /= e.sum(-1, keepdims=True)
        return e

    return run


def silu(case):
    x = rows(case)
    return lambda: x / (np.float32(1) + np.exp(-x))


def widening_bits(case):
    """The array the Swift side converts: value i has the bits (i * 40503) mod 2**16."""
    return (np.arange(case["count"], dtype=np.uint32) * np.uint32(40503)).astype(np.uint16)


def bf16_decode(case):
    bits = widening_bits(case)
    out = np.empty(case["count"], dtype=np.uint32)

    def run():
        np.left_shift(bits, 16, out=out, dtype=np.uint32)
        return out.view(np.float32)

    return run


def f16_decode(case):
    half = widening_bits(case).view(np.float16)
    return lambda: half.astype(np.float32)


KINDS = {"bf16_decode": bf16_decode, "f16_decode": f16_decode, "gemm": gemm, "attention": attention, "rmsnorm": rmsnorm, "softmax": softmax, "silu": silu}


def blas_kernel():
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                return f"{pool.get('version')} {pool.get('architecture')} x{pool.get('num_threads')}"
    except ImportError:
        pass
    return "unknown (pip install threadpoolctl to report it)"


def main():
    cases = json.load(sys.stdin)
    print(json.dumps({"name": "_info", "seconds": 0, "detail": f"numpy {np.__version__}, OpenBLAS {blas_kernel()}"}))
    for case in cases:
        seconds = median_seconds(KINDS[case["kind"]](case), case.get("repeats", 5))
        print(json.dumps({"name": case["name"], "seconds": seconds, "detail": ""}), flush=True)


if __name__ == "__main__":
    main()
