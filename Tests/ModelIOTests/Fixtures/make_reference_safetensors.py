#!/usr/bin/env python3
"""Writes reference.safetensors with the Hugging Face `safetensors` package (the Rust crate's Python
binding), so ModelIO's reader is checked against an independent writer.

Run by hand from this directory (needs `pip install safetensors numpy`; checked with safetensors
0.8.0, numpy 2.4.6), then update the SHA-256 in README.md:

    python3 make_reference_safetensors.py && sha256sum reference.safetensors
"""
import numpy as np
from safetensors.numpy import save_file

ramp = np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1  # [[-1, -0.5, 0], [0.5, 1, 1.5]]
save_file(
    {
        "f32": ramp,
        "f16": ramp.astype(np.float16),
        "i64": np.array([1, -2, 3], dtype=np.int64),
        "scalar": np.array(2.5, dtype=np.float32),
    },
    "reference.safetensors",
    metadata={"format": "np"},
)
