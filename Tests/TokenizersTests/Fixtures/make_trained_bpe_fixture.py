#!/usr/bin/env python3
"""Builds the trained-BPE fixtures for TokenizersTests' TrainedBPEParityTests (run by hand, never by CI).

The tokenizer is trained by *our* Swift BPETrainer; Hugging Face is the independent reference for
what that tokenizer.json means. Three steps, from the repository root:

    pip install tokenizers==0.23.3 transformers==5.25.0 jinja2
    python3 Tests/TokenizersTests/Fixtures/make_trained_bpe_fixture.py corpus
        -> trained_bpe/corpus.jsonl, trained_bpe/heldout.jsonl   (deterministic, random.Random(20261207))
    MOKUS_RECORD_FIXTURES=1 swift test --filter TrainedBPEParityTests
        -> trained_bpe/tokenizer/{tokenizer.json,tokenizer_config.json}   (BPETrainer, vocab 600, min freq 2)
    python3 Tests/TokenizersTests/Fixtures/make_trained_bpe_fixture.py expect
        -> trained_bpe/heldout_expected_ids.jsonl   (HF ids of every held-out line)

`expect` also checks that HF `tokenizers` re-serialises our tokenizer.json to the same document, keys in
the same order (up to its newer merge spelling), that `transformers.AutoTokenizer.from_pretrained` loads the folder as a
Qwen2 tokenizer with the same ids, and that its chat template renders Qwen2.5's ChatML. See
TRAINED_BPE.md for the file formats.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "trained_bpe")
TOKENIZER_DIR = os.path.join(FOLDER, "tokenizer")

SHAPES = ["circle", "square", "triangle", "star", "hexagon", "crescent", "spiral", "diamond"]
COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "teal", "crimson"]
NAMES = ["Alaric", "Brenna", "Cyrus", "Delphine", "Eamon", "Fiora", "Gideon", "Halima", "Ivo", "Juniper"]
PLACES = ["the harbor", "Mount Vell", "the old mill", "Quarry Lane", "the glass tower", "Café Noël"]
VERBS = ["owns", "paints", "guards", "collects", "draws", "hides", "remembers", "admires"]
EXTRAS = [
    "It's {n} steps away, isn't it?", "They'll say: \"{c} is best!\"", "Price: ${n}.{m} (approx.)",
    "naïve façade, déjà vu", "東京の{c}い星", "Ελληνικά και русский текст", "emoji 🌟✨ and 🔺",
    "tabs\tand  double  spaces", "line one\r\nline two", "e\u0301 composed? yes", "#{n}: ok...",
]
TEMPLATES = [
    "{a} {v} a {c} {s} near {p}.",
    "The {c} {s} belongs to {a}; {b} {v} it every {n} days.",
    "Where is {a}'s {s}? It is at {p}, next to {n} {c} stones.",
    "{a} and {b} {v} {n} {s}s.",
    "<|im_start|>user\nWhat does {a} own?<|im_end|>\n<|im_start|>assistant\nA {c} {s}.<|im_end|>",
    "{x}",
    "In {p}, {a} said: {x}",
]
HELDOUT = [
    "Zephyrine adores an ultraviolet dodecahedron beyond Quarry Lane!",
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nDraw 12 teal stars.<|im_end|>",
    "Unseen bytes: \u0000\u0007 control, \u00ad soft hyphen, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, 🧪🧬.",
    "Decomposed: Cafe\u0301 No\u0308el, Å vs Å.",
    "   leading spaces and trailing ones   ",
    "Numbers 1234567890 and 3.14159, dates 2026-12-07.",
    "WE'LL SEE; it'S fine. they'RE here",
    "中文和日本語と한국어",
    "<|endoftext|><|endoftext|>back to back<|im_end|>",
    "\n\n\r\n\t",
    "",
]


def make_corpus():
    rng = random.Random(20261207)
    lines = []
    for _ in range(1500):
        fields = {
            "a": rng.choice(NAMES), "b": rng.choice(NAMES), "c": rng.choice(COLORS), "s": rng.choice(SHAPES),
            "p": rng.choice(PLACES), "v": rng.choice(VERBS), "n": rng.randint(0, 999), "m": rng.randint(0, 99),
        }
        fields["x"] = rng.choice(EXTRAS).format(**fields)
        lines.append(rng.choice(TEMPLATES).format(**fields))
    os.makedirs(FOLDER, exist_ok=True)
    write_jsonl(os.path.join(FOLDER, "corpus.jsonl"), [{"text": line} for line in lines])
    write_jsonl(os.path.join(FOLDER, "heldout.jsonl"), [{"text": line} for line in HELDOUT])
    print(f"corpus: {len(lines)} lines, held-out: {len(HELDOUT)} lines")


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def make_expected():
    import tokenizers
    import transformers

    tokenizer_path = os.path.join(TOKENIZER_DIR, "tokenizer.json")
    with open(tokenizer_path, encoding="utf-8") as file:
        ours = file.read()
    hf = tokenizers.Tokenizer.from_file(tokenizer_path)

    # Same document, keys in the same order, after HF's own round trip (HF >= 0.20 spells merges as
    # pairs, so merges are compared as pairs).
    def ordered(text):
        document = json.loads(text, object_pairs_hook=dict)
        document["model"]["merges"] = [m.split(" ") if isinstance(m, str) else list(m) for m in document["model"]["merges"]]
        return json.dumps(document, indent=2, ensure_ascii=False)
    if ordered(hf.to_str(pretty=True)) != ordered(ours):
        sys.exit("HF re-serialises tokenizer.json to a different document or key order")

    auto = transformers.AutoTokenizer.from_pretrained(TOKENIZER_DIR)
    if "Qwen2" not in type(auto).__name__:
        sys.exit(f"AutoTokenizer loaded {type(auto).__name__}, expected a Qwen2 tokenizer")
    heldout = [record["text"] for record in read_jsonl(os.path.join(FOLDER, "heldout.jsonl"))]
    expected = []
    for text in heldout:
        ids = hf.encode(text, add_special_tokens=False).ids
        auto_ids = auto(text, add_special_tokens=False)["input_ids"]
        if auto_ids != ids:
            sys.exit(f"AutoTokenizer and tokenizers disagree on {text!r}: {auto_ids} vs {ids}")
        expected.append(ids)
    write_jsonl(os.path.join(FOLDER, "heldout_expected_ids.jsonl"), expected)

    chat = auto.apply_chat_template(
        [{"role": "user", "content": "Hi"}], tokenize=False, add_generation_prompt=True)
    want = ("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
    if chat != want:
        sys.exit(f"chat template renders {chat!r}")
    print(f"tokenizers {tokenizers.__version__}, transformers {transformers.__version__}: "
          f"{len(expected)} held-out lines, {sum(map(len, expected))} ids; vocabulary {hf.get_vocab_size()}; "
          f"AutoTokenizer {type(auto).__name__} agrees; chat template OK")


if __name__ == "__main__":
    steps = {"corpus": make_corpus, "expect": make_expected}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        sys.exit(f"usage: {sys.argv[0]} corpus|expect")
    steps[sys.argv[1]]()
