#!/usr/bin/env python3
"""Builds the Qwen tokenizer parity fixtures for TokenizersTests (run by hand, never by CI).

Usage (from the repository root):
    pip install tiktoken==0.14.0 tokenizers==0.23.3
    python3 Tests/TokenizersTests/Fixtures/make_qwen_fixtures.py [path/to/qwen.tiktoken]

The ranks file comes from argv[1], else $QWEN_TIKTOKEN, else ../shared/data/qwen.tiktoken relative to
the repository root. Writes, next to this script:
    qwen_tokenizer.json     Hugging Face tokenizer.json converted from the tiktoken ranks
    qwen_corpus.jsonl       one JSON object per line: {"text": ...} (+ "nfc": ... when text is not NFC)
    qwen_expected_ids.jsonl one JSON array per line: tiktoken ids of NFC(text), allowed_special="all"
and prints the agreement of HF `tokenizers` (loading qwen_tokenizer.json) with tiktoken on the corpus.
See SCHEMA.md for the file formats and checksums.
"""
import base64
import hashlib
import json
import os
import random
import sys
import unicodedata

import tiktoken
import tokenizers

from qwen_corpus_seeds import build_corpus

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

QWEN_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# Qwen2 / Qwen2.5 added tokens (id, content, special). <tool_call> and </tool_call> are plain added
# tokens (special: false) in Qwen2.5's tokenizer.json.
QWEN_ADDED_TOKENS = [
    (151643, "<|endoftext|>", True), (151644, "<|im_start|>", True), (151645, "<|im_end|>", True),
    (151646, "<|object_ref_start|>", True), (151647, "<|object_ref_end|>", True),
    (151648, "<|box_start|>", True), (151649, "<|box_end|>", True),
    (151650, "<|quad_start|>", True), (151651, "<|quad_end|>", True),
    (151652, "<|vision_start|>", True), (151653, "<|vision_end|>", True),
    (151654, "<|vision_pad|>", True), (151655, "<|image_pad|>", True), (151656, "<|video_pad|>", True),
    (151657, "<tool_call>", False), (151658, "</tool_call>", False),
    (151659, "<|fim_prefix|>", True), (151660, "<|fim_middle|>", True), (151661, "<|fim_suffix|>", True),
    (151662, "<|fim_pad|>", True), (151663, "<|repo_name|>", True), (151664, "<|file_sep|>", True),
]


def bytes_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable unicode characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {byte: chr(code) for byte, code in zip(printable, codes)}


BYTE_TO_CHAR = bytes_to_unicode()


def token_string(token: bytes) -> str:
    return "".join(BYTE_TO_CHAR[b] for b in token)


def bpe(ranks, token, max_rank):
    """Byte-level BPE of `token` using only ranks below `max_rank` (transformers' TikTokenConverter)."""
    parts = [bytes([b]) for b in token]
    while True:
        best_index, best_rank = None, None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best_index, best_rank = i, rank
        if best_rank is None or best_rank >= max_rank:
            return parts
        parts = parts[:best_index] + [parts[best_index] + parts[best_index + 1]] + parts[best_index + 2:]


def load_ranks(path):
    ranks = {}
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
    return ranks


def convert(ranks):
    """HF tokenizer.json (dict) equivalent to tiktoken with `ranks` and the Qwen pattern."""
    vocab = {token_string(token): rank for token, rank in ranks.items()}
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        if len(token) < 2:
            continue
        parts = bpe(ranks, token, rank)
        if len(parts) != 2:
            raise SystemExit(f"token {token!r} (rank {rank}) is not one merge of lower ranks: {parts}")
        merges.append(f"{token_string(parts[0])} {token_string(parts[1])}")
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": s}
            for i, c, s in QWEN_ADDED_TOKENS
        ],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN_PATTERN}, "behavior": "Isolated", "invert": False},
            byte_level,
        ]},
        "post_processor": byte_level,
        "decoder": byte_level,
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
            "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": vocab, "merges": merges,
        },
    }


def write_text(path, text):
    """Writes to a temporary file in the same directory, then renames (never half-written)."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def main():
    ranks_path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "QWEN_TIKTOKEN", os.path.join(REPO_ROOT, "..", "shared", "data", "qwen.tiktoken"))
    ranks = load_ranks(ranks_path)
    print(f"ranks: {len(ranks)} from {ranks_path} (sha256 {sha256(ranks_path)})")

    tokenizer_json = convert(ranks)
    tokenizer_path = os.path.join(HERE, "qwen_tokenizer.json")
    write_text(tokenizer_path, json.dumps(tokenizer_json, ensure_ascii=False, separators=(",", ":")))

    corpus = build_corpus(random.Random(20240531))
    encoding = tiktoken.Encoding(
        "qwen", pat_str=QWEN_PATTERN, mergeable_ranks=ranks,
        special_tokens={content: i for i, content, _ in QWEN_ADDED_TOKENS})
    records, expected, nfc_lines = [], [], 0
    for text in corpus:
        normalized = unicodedata.normalize("NFC", text)
        record = {"text": text}
        if normalized != text:
            record["nfc"] = normalized
            nfc_lines += 1
        records.append(json.dumps(record, ensure_ascii=False))
        expected.append(json.dumps(encoding.encode(normalized, allowed_special="all")))
    corpus_path = os.path.join(HERE, "qwen_corpus.jsonl")
    expected_path = os.path.join(HERE, "qwen_expected_ids.jsonl")
    write_text(corpus_path, "\n".join(records) + "\n")
    write_text(expected_path, "\n".join(expected) + "\n")

    hf = tokenizers.Tokenizer.from_file(tokenizer_path)
    agree = 0
    for number, (text, ids) in enumerate(zip(corpus, expected), start=1):
        got = hf.encode(text, add_special_tokens=False).ids
        if got == json.loads(ids):
            agree += 1
        else:
            print(f"HF mismatch on line {number}: {text!r}\n  hf:       {got}\n  tiktoken: {ids}")
    print(f"corpus: {len(corpus)} lines ({nfc_lines} not NFC), "
          f"{sum(len(json.loads(ids)) for ids in expected)} tokens")
    print(f"HF tokenizers {tokenizers.__version__} vs tiktoken {tiktoken.__version__}: "
          f"{agree}/{len(corpus)} lines identical")
    for path in (tokenizer_path, corpus_path, expected_path):
        print(f"sha256 {sha256(path)}  {os.path.basename(path)}")
    if agree != len(corpus):
        raise SystemExit("the converted tokenizer.json does not reproduce tiktoken")


if __name__ == "__main__":
    main()
