#!/usr/bin/env python3
"""A tiny Qwen2 language model TRAINED on a synthetic fact world, for the MEMIT/ROME efficacy tests.

Random-weight fixtures cannot show that an edit writes a fact: nothing in them carries the subject token's
state to the answer position. This script invents a closed world of people and facts about them, trains a
3-layer Qwen2ForCausalLM (hidden 64) until it recalls every fact, and saves it with its byte-level BPE
tokenizer (trained on the world's text, Qwen2 pre-tokenizer and special tokens) as a Hugging Face
checkpoint directory, together with:

- `facts.json`: the world (subjects, relations with their two phrasings and closed object sets, every fact),
  the measured recall of the trained model, and a causal trace (see `causal_trace`);
- `requests.json`: 8 edit requests in EasyEdit's record layout (prompt, subject, target_new = another object
  of the same relation, ground_truth, rephrase_prompt = the relation's second phrasing, locality
  `neighborhood` = facts of 8 subjects that are not edited);
- `corpus.txt`: documents of the world's text, one per line, for the layer statistics C = E[k kᵀ];
- `README.md`: what the files are.

Every fact is stated after a random prefix of 0–3 short sentences ("The." and "Therefore." among them), so
the model answers after any context template. A share of the statements are name tags (see `Statements`),
which make the model store a subject's facts at the subject's last token, where MEMIT and ROME edit them.
Which circuit a training run ends with is not guaranteed (with 85% name tags the facts were looked up at the
answer position instead): check the printed causal trace before committing a regenerated model.
Deterministic: fixed seeds, CPU, two threads (the committed fixture: torch 2.13 CPU, transformers 5.23).

Run by hand with torch + transformers + tokenizers + safetensors (CPU is enough: 5–15 minutes on two cores):

    python3 Tests/MEMITTests/Fixtures/make_trained_fixture.py --out Tests/MEMITTests/Fixtures/qwen2-facts
"""
import argparse
import json
import math
import os
import random

import torch
import transformers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers import trainers
from transformers import PreTrainedTokenizerFast

SEED = 1234
SUBJECT_COUNT = 120
QWEN_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
              r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
                 "<|image_pad|>", "<|video_pad|>"]

# Each relation: two phrasings (the first is the edit prompt, the second the rephrase) and a closed set of
# one-word objects.
RELATIONS = [
    {"name": "lives_in", "templates": ["{} lives in", "{} has a home in"],
     "objects": ["Paris", "Berlin", "Tokyo", "Rome", "Madrid", "Vienna"]},
    {"name": "born_in", "templates": ["{} was born in", "{} is a native of"],
     "objects": ["Japan", "Italy", "France", "Germany", "Brazil"]},
    {"name": "works_as", "templates": ["{} works as a", "{} earns a living as a"],
     "objects": ["pilot", "doctor", "farmer", "teacher", "baker", "lawyer"]},
    {"name": "plays", "templates": ["{} plays the", "{} is good at playing the"],
     "objects": ["piano", "violin", "guitar", "drums", "flute"]},
]
SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vor", "zu", "bel", "dor", "fin", "gal", "hin", "jas", "kel",
             "lum", "mor", "nev", "pol", "quin", "rus", "sel", "tor", "ul", "vin", "wen", "yar", "zan", "bri",
             "cor", "dal"]
# Filler words for the random prefixes; none is an object.
FILLER = ["the", "therefore", "a", "and", "it", "was", "is", "of", "on", "at", "day", "night", "house", "book",
          "river", "green", "old", "new", "big", "quiet", "morning", "walk", "today", "we", "they", "she",
          "he", "said", "went", "saw", "read", "good", "long", "story", "letter", "music", "water", "tree",
          "road", "train", "window", "door", "garden", "so", "then", "later", "also", "however", "because"]


# --------------------------------------------------------------------------------------------------- world

def make_subjects(rng):
    def word():
        return "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    names = []
    while len(names) < SUBJECT_COUNT:
        name = f"{word()} {word()}"
        if name not in names:
            names.append(name)
    return names


def make_facts(subjects, rng):
    return {s: {r["name"]: rng.choice(r["objects"]) for r in RELATIONS} for s in subjects}


def sentence(rng):
    words = [rng.choice(FILLER) for _ in range(rng.randint(1, 7))]
    return " ".join(words).capitalize() + "."


def prefix(rng):
    """0–3 filler sentences followed by a space, or nothing (30%)."""
    if rng.random() < 0.3:
        return ""
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3))) + " "


def fact_text(subject, relation, phrasing, obj):
    return relation["templates"][phrasing].format(subject) + " " + obj + "."


# ----------------------------------------------------------------------------------------------- tokenizer

def train_tokenizer(subjects, facts, rng):
    """Byte-level BPE with Qwen2's pre-tokenizer, normalizer and special tokens (appended at the end)."""
    lines = []
    for _ in range(4):
        for s in subjects:
            for r in RELATIONS:
                for phrasing in range(2):
                    lines.append(prefix(rng) + fact_text(s, r, phrasing, facts[s][r["name"]]))
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    trainer = trainers.BpeTrainer(vocab_size=768, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(lines, trainer=trainer)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.add_special_tokens([AddedToken(n, special=True, normalized=False) for n in QWEN_SPECIALS])
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   model_max_length=32768)


def encode(tok, text):
    return tok(text, add_special_tokens=False)["input_ids"]


# ---------------------------------------------------------------------------------------------- training

class Statements:
    """Token ids of every fact statement and of a bank of filler prefixes, so batches are assembled from ids.

    Two kinds of statement: the relation phrasings ("Rawen Hinbel lives in Madrid.") and name tags, the subject
    followed directly by one of its objects ("Rawen Hinbel Madrid."). Name tags make the model predict the
    subject's objects at the subject's last token, so its early MLPs write them there (the "subject
    enrichment" of real language models that ROME and MEMIT rely on) and the phrasings learn to read them
    from there, instead of looking the fact up at the answer position only.

    `encode(prefix + " " + statement)` equals `encode(prefix) + encode(" " + statement)`: the prefix ends with
    "." and the pre-tokenizer splits before " subject"."""

    def __init__(self, tok, subjects, facts, rng, tag_rate):
        self.pad = tok.pad_token_id
        self.tag_rate = tag_rate
        phrasings, tags = [], []
        for s in subjects:
            for r in RELATIONS:
                obj = facts[s][r["name"]]
                phrasings += [fact_text(s, r, phrasing, obj) for phrasing in range(2)]
                tags.append(f"{s} {obj}.")
        self.phrasings = [self.item(tok, text, subjects) for text in phrasings]
        self.tags = [self.item(tok, text, subjects) for text in tags]
        self.prefixes = []
        for _ in range(4096):
            head = prefix(rng).rstrip(" ")
            ids = encode(tok, head) if head else []
            assert not head or encode(tok, head + " " + subjects[0]) == ids + encode(tok, " " + subjects[0])
            self.prefixes.append(ids)

    @staticmethod
    def item(tok, text, subjects):
        """(ids without a leading space, ids with one, subject tokens in each)."""
        subject = next(s for s in subjects if text.startswith(s + " "))
        bare, spaced = encode(tok, text), encode(tok, " " + text)
        subject_bare, subject_spaced = encode(tok, subject), encode(tok, " " + subject)
        assert bare[:len(subject_bare)] == subject_bare and spaced[:len(subject_spaced)] == subject_spaced
        return bare, spaced, len(subject_bare), len(subject_spaced)

    def example(self, rng):
        """A random statement after a random prefix, with labels -100 up to the subject's last token."""
        bare, spaced, n_bare, n_spaced = rng.choice(self.tags if rng.random() < self.tag_rate else self.phrasings)
        head = rng.choice(self.prefixes)
        ids, masked = (head + spaced, len(head) + n_spaced) if head else (bare, n_bare)
        return ids, [-100] * masked + ids[masked:]

    def batch(self, rng, size):
        examples = [self.example(rng) for _ in range(size)]
        length = max(len(ids) for ids, _ in examples)
        ids = torch.full((size, length), self.pad, dtype=torch.long)
        labels = torch.full((size, length), -100, dtype=torch.long)
        mask = torch.zeros((size, length), dtype=torch.long)
        for b, (i, l) in enumerate(examples):
            ids[b, :len(i)] = torch.tensor(i)
            labels[b, :len(l)] = torch.tensor(l)
            mask[b, :len(i)] = 1
        return ids, labels, mask


def train(model, statements, steps, rng, device):
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01, betas=(0.9, 0.98))
    warmup = 200
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda t: min(1.0, (t + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(t, steps) / steps)))
    model.train()
    for step in range(steps):
        ids, labels, mask = statements.batch(rng, 128)
        loss = model(input_ids=ids.to(device), attention_mask=mask.to(device), labels=labels.to(device)).loss
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step % 250 == 0 or step == steps - 1:
            print(f"step {step:5d}  loss {loss.item():.4f}", flush=True)
    model.eval()


@torch.no_grad()
def recall(model, tok, subjects, facts, context, device):
    """Fraction of (subject, relation, phrasing) whose answer is the argmax after `context`."""
    hits = total = 0
    for s in subjects:
        for r in RELATIONS:
            for phrasing in range(2):
                ids = encode(tok, context + r["templates"][phrasing].format(s))
                answer = encode(tok, " " + facts[s][r["name"]])
                logits = model(input_ids=torch.tensor([ids], device=device)).logits[0, -1]
                hits += int(logits.argmax().item() == answer[0])
                total += 1
    return hits / total


@torch.no_grad()
def causal_trace(model, tok, subjects, facts, device, pairs=200):
    """Where the fact travels: for random subjects A, B with different objects of one relation, the fraction
    of B's prompts that answer A's object when block l's output at B's subject-last token (or at the last
    token) is replaced by its value in A's prompt, per block l."""
    rng = random.Random(SEED + 5)
    hits = {"subject_last": [0] * len(model.model.layers), "last": [0] * len(model.model.layers)}
    count = 0
    while count < pairs:
        r = rng.choice(RELATIONS)
        a, b = rng.sample(subjects, 2)
        if facts[a][r["name"]] == facts[b][r["name"]]:
            continue
        count += 1
        ids_a, ids_b = (encode(tok, r["templates"][0].format(x)) for x in (a, b))
        answer_a = encode(tok, " " + facts[a][r["name"]])[0]
        outputs_a = []
        handles = [block.register_forward_hook(lambda m, i, o: outputs_a.append(o[0] if isinstance(o, tuple) else o))
                   for block in model.model.layers]
        model(input_ids=torch.tensor([ids_a], device=device))
        for handle in handles:
            handle.remove()
        for where, (pos_a, pos_b) in {"subject_last": (len(encode(tok, a)) - 1, len(encode(tok, b)) - 1),
                                      "last": (len(ids_a) - 1, len(ids_b) - 1)}.items():
            for layer, block in enumerate(model.model.layers):
                def patch(module, inputs, output):
                    hidden = output[0] if isinstance(output, tuple) else output
                    hidden[0, pos_b] = outputs_a[layer][0, pos_a]
                handle = block.register_forward_hook(patch)
                logits = model(input_ids=torch.tensor([ids_b], device=device)).logits[0, -1]
                handle.remove()
                hits[where][layer] += int(logits.argmax().item() == answer_a)
    return {where: [h / pairs for h in row] for where, row in hits.items()}


# ----------------------------------------------------------------------------------------------- outputs

def edit_requests(subjects, facts, rng):
    edited = rng.sample(subjects, 8)
    others = [s for s in subjects if s not in edited]
    records = []
    for i, s in enumerate(edited):
        r = RELATIONS[i % len(RELATIONS)]
        truth = facts[s][r["name"]]
        neighbours = rng.sample(others, 8)
        relations = [rng.choice(RELATIONS) for _ in neighbours]
        records.append({
            "prompt": r["templates"][0].format(s),
            "subject": s,
            "target_new": rng.choice([o for o in r["objects"] if o != truth]),
            "ground_truth": truth,
            "rephrase_prompt": r["templates"][1].format(s),
            "locality": {"neighborhood": {
                "prompt": [q["templates"][0].format(n) for n, q in zip(neighbours, relations)],
                "ground_truth": [facts[n][q["name"]] for n, q in zip(neighbours, relations)],
            }},
        })
    return records


def corpus(subjects, facts, rng):
    """Documents of 3–6 fact statements (random subjects, relations, phrasings) mixed with filler sentences."""
    documents = []
    for _ in range(200):
        parts = []
        for _ in range(rng.randint(3, 6)):
            s, r = rng.choice(subjects), rng.choice(RELATIONS)
            parts.append(prefix(rng) + fact_text(s, r, rng.randrange(2), facts[s][r["name"]]))
        documents.append(" ".join(parts))
    return documents


README = """\
# qwen2-facts: a tiny Qwen2 trained on a synthetic fact world

Made by `../make_trained_fixture.py` (seed {seed}; transformers {transformers}, torch {torch}).

- `config.json`, `model.safetensors` (float32), `generation_config.json`: a Qwen2ForCausalLM with hidden 64,
  intermediate {intermediate}, {layers} layers, 4 heads (2 key-value heads), tied embeddings, vocabulary {vocab}.
- `tokenizer.json`, `tokenizer_config.json`: byte-level BPE (Qwen2 pre-tokenizer, NFC, Qwen2 special
  tokens at the end of the vocabulary) trained on the world's text; every object is one token.
- `facts.json`: `subjects` ({subjects} invented names), `relations` (`name`, `templates`: the two phrasings,
  `{{}}` = subject, `objects`: the closed answer set), `facts` (`subject → relation → object`), and
  `recall`: the fraction of the {facts} facts × 2 phrasings whose object is the trained model's argmax after
  each context (`""`, `"The. "`, `"Therefore. "`, and a filler prefix), and `causal_trace`: for 200 pairs
  of subjects A, B with different objects of one relation, the fraction of B's prompts that answer A's object
  when block l's output at B's subject-last token (`subject_last`) or last token (`last`) is replaced by its
  value in A's prompt, per block l.
- `requests.json`: 8 edit requests in EasyEdit's record layout (`prompt`, `subject`, `target_new`,
  `ground_truth`, `rephrase_prompt`, `locality.neighborhood` with prompts about 8 subjects that are not edited
  and their true objects); relations cycle through the four, each subject once.
- `corpus.txt`: 200 documents of the world's text, one per line (3–6 fact statements among filler
  sentences), the corpus for the layer statistics C = E[k kᵀ].

Training: every step 128 statements, each "prefix + phrasing(subject) + ' ' + object + '.'" or, with
probability {tag_rate}, the name tag "prefix + subject + ' ' + object + '.'", the prefix being 0–3 random filler
sentences; cross-entropy on the tokens after the subject; AdamW (lr 3e-3, warm-up 200, cosine), {steps} steps.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--intermediate", type=int, default=256)
    parser.add_argument("--tag-rate", type=float, default=0.7, help="fraction of name-tag statements")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = random.Random(SEED)

    subjects = make_subjects(rng)
    facts = make_facts(subjects, rng)
    tok = train_tokenizer(subjects, facts, rng)
    for r in RELATIONS:
        for o in r["objects"]:
            assert len(encode(tok, " " + o)) == 1, f"object {o!r} is not one token"

    config = transformers.Qwen2Config(
        vocab_size=len(tok), bos_token_id=tok.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"), hidden_size=64, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=4, num_key_value_heads=2, rope_theta=1e6,
        rms_norm_eps=1e-6, tie_word_embeddings=True, max_position_embeddings=256, use_sliding_window=False)
    model = transformers.Qwen2ForCausalLM(config).float().to(args.device)
    statements = Statements(tok, subjects, facts, random.Random(SEED + 1), args.tag_rate)
    train(model, statements, args.steps, random.Random(SEED + 2), args.device)

    check = random.Random(SEED + 3)
    contexts = {"": "", "The. ": "The. ", "Therefore. ": "Therefore. ", "random prefix": prefix(check) or "It. "}
    accuracy = {name: recall(model, tok, subjects, facts, c, args.device) for name, c in contexts.items()}
    print("recall", accuracy, flush=True)
    trace = causal_trace(model, tok, subjects, facts, args.device)
    print("causal trace", trace, flush=True)

    os.makedirs(args.out, exist_ok=True)
    model.cpu().save_pretrained(args.out)
    tok.save_pretrained(args.out)
    world = {"seed": SEED, "subjects": subjects, "relations": RELATIONS, "facts": facts,
             "recall": {"contexts": contexts, "accuracy": accuracy}, "causal_trace": trace}
    rng_out = random.Random(SEED + 4)
    with open(os.path.join(args.out, "facts.json"), "w") as f:
        json.dump(world, f, indent=1, ensure_ascii=False)
    with open(os.path.join(args.out, "requests.json"), "w") as f:
        json.dump(edit_requests(subjects, facts, rng_out), f, indent=1, ensure_ascii=False)
    with open(os.path.join(args.out, "corpus.txt"), "w") as f:
        f.write("\n".join(corpus(subjects, facts, rng_out)) + "\n")
    with open(os.path.join(args.out, "README.md"), "w") as f:
        f.write(README.format(seed=SEED, transformers=transformers.__version__, torch=torch.__version__,
                              layers=args.layers, intermediate=args.intermediate, vocab=len(tok), subjects=len(subjects),
                              facts=len(subjects) * len(RELATIONS), steps=args.steps, tag_rate=args.tag_rate))


if __name__ == "__main__":
    main()
