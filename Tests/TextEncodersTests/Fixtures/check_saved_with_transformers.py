"""Manual check (not run by CI): checkpoints written by `mokus edit --save-model` load in
transformers and give the same next-token log-probabilities as mokus.

    python3 Tests/TextEncodersTests/Fixtures/check_saved_with_transformers.py MOKUS_BINARY DIR [DIR ...]

For each DIR: loads it with transformers (float32, eager attention; Qwen2.5-VL through its
conditional-generation class), encodes a prompt with the saved tokenizer, compares the token ids
and the top-3 next-token log-probabilities with `mokus encode --json` on the same directory.
"""
import json
import subprocess
import sys

import torch
import transformers

PROMPT = "The red apple is on the"


def main():
    binary, directories = sys.argv[1], sys.argv[2:]
    for directory in directories:
        config = json.load(open(f"{directory}/config.json"))
        cls = (transformers.Qwen2_5_VLForConditionalGeneration if config["model_type"] == "qwen2_5_vl"
               else transformers.AutoModelForCausalLM)
        model = cls.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager").eval()
        ids = transformers.AutoTokenizer.from_pretrained(directory)(PROMPT, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            top = torch.log_softmax(model(input_ids=torch.tensor([ids])).logits[0, -1], -1).topk(3)
        ours = json.loads(subprocess.run([binary, "encode", "--model", directory, "--text", PROMPT, "--json", "--top", "3"],
                                         capture_output=True, text=True, check=True).stdout)
        difference = max(abs(a - b["logprob"]) for a, b in zip(top.values.tolist(), ours["top"]))
        same = ours["ids"] == ids and [t["id"] for t in ours["top"]] == top.indices.tolist()
        print(f"{directory}: ids and top-3 {'identical' if same else 'DIFFERENT'}, max |Δ log p| {difference:.2e}")


if __name__ == "__main__":
    main()
