"""Reference timing for mokus-bench's training row: one optimisation step of a small Qwen2 causal LM
(forward, next-token cross-entropy, backward, clip_grad_norm_, AdamW) in PyTorch on the CPU, with the
same checkpoint, ids and hyperparameters as the Swift row (float32, default attention, the process's
CPU threads).

stdin: {"directory": path, "sequences": [[ids]], "repeats": n, "learning_rate": lr, "weight_decay": wd}
stdout: one JSON object {"version", "step"} with the median seconds of a step. Not part of CI.
"""
import json
import sys

import torch
import transformers
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def main():
    request = json.load(sys.stdin)
    model = transformers.AutoModelForCausalLM.from_pretrained(request["directory"], dtype=torch.float32)
    model.train()
    ids = torch.tensor(request["sequences"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=request["learning_rate"],
                                  weight_decay=request["weight_decay"])

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    print(json.dumps({"version": transformers.__version__ + ", torch " + torch.__version__,
                      "step": median_seconds(step, request["repeats"])}))


if __name__ == "__main__":
    main()
