#!/usr/bin/env python3
"""Reference logits of the Swift-trained tiny Qwen2 (`qwen2-swift-trained/`), computed by transformers.

`qwen2-swift-trained/` was written by `mokus pretrain` (Swift) from `parity-inputs/config.json` and
`parity-inputs/texts.txt` with the tokenizer of `Tests/MEMITTests/Fixtures/qwen2-facts`:

    swift build && .build/debug/mokus pretrain --config Tests/TrainingTests/Fixtures/parity-inputs/config.json \
        --tokenizer Tests/MEMITTests/Fixtures/qwen2-facts --texts Tests/TrainingTests/Fixtures/parity-inputs/texts.txt \
        --out Tests/TrainingTests/Fixtures/qwen2-swift-trained --steps 150 --batch-size 3 --learning-rate 0.01 \
        --warmup-steps 10 --seed 5

This script loads that directory with `AutoModelForCausalLM` and `AutoTokenizer` (proving it is a valid
transformers checkpoint), and writes, into the same directory:

- `reference.json`: `{"texts": [...], "ids": [[...], ...], "greedy": [...]}` — the tokenizer's ids for each
  probe text and transformers' greedy 6-token continuation of each text's first three words;
- `reference.safetensors`: `logits_<i>` (float32, `[len(ids[i]), vocab_size]`) for each probe text.

TrainingTests/ParityTests checks that Swift's logits match to 1e-5 (relative to the largest magnitude).
Run with torch + transformers + safetensors (CPU):

    /work/venv/bin/python Tests/TrainingTests/Fixtures/make_parity_fixture.py
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "qwen2-swift-trained")
PROBES = [
    "Alice Moreau lives in Paris.",
    "Emil Novak grew up in",
    "Fatima Haddad studies chemistry. Bruno Keller plays",
]


def main():
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(MODEL, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(MODEL)
    tensors, ids, greedy = {}, [], []
    with torch.no_grad():
        for index, text in enumerate(PROBES):
            encoded = tokenizer(text, return_tensors="pt")["input_ids"]
            ids.append(encoded[0].tolist())
            tensors[f"logits_{index}"] = model(encoded).logits[0].contiguous()
            prompt = tokenizer(" ".join(text.split()[:3]), return_tensors="pt")["input_ids"]
            out = model.generate(prompt, max_new_tokens=6, do_sample=False, eos_token_id=None, pad_token_id=0)
            greedy.append(out[0, prompt.shape[1]:].tolist())
    save_file(tensors, os.path.join(MODEL, "reference.safetensors"))
    with open(os.path.join(MODEL, "reference.json"), "w") as f:
        json.dump({"texts": PROBES, "ids": ids, "greedy": greedy}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
