"""Reference timings for mokus-bench's text-encoder rows: the same checkpoint and token ids through
transformers on the CPU (float32, eager attention, the process's CPU threads).

stdin: {"directory": path, "sequences": [[ids]], "repeats": n}
stdout: one JSON object {"version", "forward", "backward"} with median seconds. Not part of CI.
"""
import json
import sys

import torch
import transformers
from timing import median_seconds  # sibling file (the script's folder is on sys.path)


def main():
    request = json.load(sys.stdin)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        request["directory"], dtype=torch.float32, attn_implementation="eager")
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    ids = torch.tensor(request["sequences"])
    targets = torch.cat([ids[:, 1:], torch.full((ids.shape[0], 1), -100)], dim=1)

    def forward():
        with torch.no_grad():
            model(input_ids=ids)

    def forward_backward():
        embeddings = model.get_input_embeddings()(ids).detach().requires_grad_(True)
        logits = model(inputs_embeds=embeddings).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        loss.backward()

    repeats = request["repeats"]
    print(json.dumps({"version": transformers.__version__ + ", torch " + torch.__version__,
                      "forward": median_seconds(forward, repeats),
                      "backward": median_seconds(forward_backward, repeats)}))


if __name__ == "__main__":
    main()
