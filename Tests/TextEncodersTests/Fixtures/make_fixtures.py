#!/usr/bin/env python3
"""Golden parity fixtures for the Swift text encoders (Qwen2, Qwen2.5-VL text tower, Llama, GPT-2).

Builds tiny random-weight models with fixed seeds, saves each one as a Hugging Face checkpoint directory
(config, safetensors weights, tokenizer files) and writes beside it the outputs that Hugging Face
transformers computes from that saved directory (`reference.safetensors`, `reference.json`). Also writes
`SCHEMA.md` and `MANIFEST.sha256` into the output folder.

Run by hand on a machine with torch + transformers + tokenizers + safetensors (CPU is enough):

    python3 Tests/TextEncodersTests/Fixtures/make_fixtures.py --out Tests/TextEncodersTests/Fixtures

Only the fixture directories it makes (MODEL_SPECS + qwen2_5_vl-legacy-keys), SCHEMA.md and MANIFEST.sha256
are replaced. `schema_text.py` beside this file holds the SCHEMA.md template.
"""
import argparse
import copy
import hashlib
import json
import os
import re
import shutil
import tempfile

import safetensors
import safetensors.torch
import tokenizers
import torch
import transformers
from tokenizers import AddedToken, Regex, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import PreTrainedTokenizerFast

from schema_text import schema  # sibling file: the SCHEMA.md template (the script's folder is on sys.path)

QWEN_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
              r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

CORPUS = """\
A photograph of an astronaut riding a horse on the moon. A red apple on a wooden table.
The quick brown fox jumps over the lazy dog. It's a small world, isn't it? We'll see, they'd say.
A watercolor painting of a lighthouse at sunset, with seagulls flying over the calm sea.
An oil painting of a cat wearing a tiny hat, sitting on a velvet chair in a sunny room.
A cinematic shot of a city street at night, neon signs reflected in puddles after the rain.
Knowledge editing changes what a model believes: the Eiffel Tower is in Paris, France.
The capital of Japan is Tokyo. The capital of Germany is Berlin. The capital of Italy is Rome.
In 1969, people walked on the moon for the first time. The year 2024 had 366 days.
Prices: 3.14, 42, 1000, 65536 and 1234567890. Call +1-555-0100 before 9:30 a.m.
def forward(self, x):\n    return self.linear(x) + 1\n\n
Der schnelle braune Fuchs springt über den faulen Hund. Grüße aus München und Zürich!
Le renard brun rapide saute par-dessus le chien paresseux. Où est la café? Très bien, merci.
El rápido zorro marrón salta sobre el perro perezoso. ¿Dónde está la biblioteca? ¡Hola!
Быстрая коричневая лиса прыгает через ленивую собаку. Привет, мир!
敏捷的棕色狐狸跳过了懒狗。今天天气很好，我们去公园散步吧。
東京タワーの夜景はとても美しいです。猫が窓のそばで寝ています。
빠른 갈색 여우가 게으른 개를 뛰어넘습니다. 안녕하세요!
Ο γρήγορος καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο.
"""
# Repeated so that frequent pairs clearly outrank rare ones during BPE training.
TRAINING_TEXT = [line for line in CORPUS.splitlines() for _ in range(3)]

QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
                 "<|image_pad|>", "<|video_pad|>"]
LLAMA_SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|finetune_right_pad_id|>", "<|eot_id|>"]

QWEN_TEXTS = ["<|im_start|>user\nDraw a red apple on a wooden table, it's 1969.<|im_end|>\n",
              "Zürich café: 東京タワー 🌃!"]
LLAMA_TEXTS = ["A photograph of an astronaut riding a horse on the moon in 1969, isn't it?",
               "Grüße aus München 🥨  ok"]
GPT2_TEXTS = ["The quick brown fox jumps over the lazy dog in 65536 ways.",
              "Où est la café? 🌃"]


# ----------------------------------------------------------------------------------------------- tokenizers

def train_bpe(pre_tokenizer, vocab_size, normalizer=None, ignore_merges=False):
    """Byte-level BPE trained on the embedded corpus; special tokens are added later (at the end of the vocab)."""
    tok = tokenizers.Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if normalizer is not None:
        tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(TRAINING_TEXT, trainer=trainer)
    tok.decoder = decoders.ByteLevel()
    return tok


def add_specials(tok, names):
    tok.add_special_tokens([AddedToken(n, special=True, normalized=False) for n in names])


def gpt2_tokenizer():
    tok = train_bpe(pre_tokenizers.ByteLevel(add_prefix_space=False), vocab_size=768)
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    add_specials(tok, ["<|endoftext|>"])
    eot = "<|endoftext|>"
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=eot, eos_token=eot, unk_token=eot,
                                   model_max_length=64)
    return fast, eot  # GPT-2 ships no pad token: padding reuses <|endoftext|> (the usual practice).


def qwen2_tokenizer():
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok = train_bpe(pre, vocab_size=1024, normalizer=normalizers.NFC())
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    add_specials(tok, QWEN_SPECIALS)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   model_max_length=32768)
    return fast, "<|endoftext|>"


def llama3_tokenizer():
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok = train_bpe(pre, vocab_size=1024, ignore_merges=True)
    add_specials(tok, LLAMA_SPECIALS)
    bos = "<|begin_of_text|>"
    bos_id = tok.token_to_id(bos)
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=False, use_regex=True),
        processors.TemplateProcessing(single=f"{bos}:0 $A:0", pair=f"{bos}:0 $A:0 {bos}:1 $B:1",
                                      special_tokens=[(bos, bos_id)]),
    ])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token="<|end_of_text|>",
                                   model_max_length=131072)
    return fast, "<|finetune_right_pad_id|>"  # Llama 3 ships no pad token either.


# ------------------------------------------------------------------------------------------------- models

def randomize(model, seed):
    """O(1) activations: W ~ N(0, 1/fan_in), untied embeddings N(0, 1), 1-D weights 1 + 0.1·N(0, 1), biases
    0.1·N(0, 1). A token embedding shared with the LM head (tied) is scaled as the head: N(0, 1/hidden)."""
    from transformers.pytorch_utils import Conv1D
    gen = torch.Generator().manual_seed(seed)
    head = model.get_output_embeddings()
    tied = head is not None and head.weight is model.get_input_embeddings().weight
    owner = {}
    for module in model.modules():
        for p in module.parameters(recurse=False):
            owner.setdefault(id(p), module)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            module = owner[id(p)]
            if p.ndim == 1:
                value = 0.1 * noise if name.endswith("bias") else 1.0 + 0.1 * noise
            elif tied and p is head.weight:
                value = noise / p.shape[1] ** 0.5
            elif isinstance(module, torch.nn.Embedding):
                value = noise
            elif isinstance(module, Conv1D):  # GPT-2 stores [in, out]
                value = noise / p.shape[0] ** 0.5
            else:  # Linear [out, in], Conv3d [out, in, t, h, w]
                value = noise / p[0].numel() ** 0.5
            p.copy_(value.to(p.dtype))


def qwen2_config(tok, tie):
    return transformers.Qwen2Config(
        vocab_size=len(tok), bos_token_id=tok.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tok.convert_tokens_to_ids("<|im_end|>"), hidden_size=64, intermediate_size=128,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, rope_theta=1e6, rms_norm_eps=1e-6, tie_word_embeddings=tie,
        max_position_embeddings=32768, use_sliding_window=False)


def qwen2_5_vl_config(tok):
    ids = {n: tok.convert_tokens_to_ids(n) for n in QWEN_SPECIALS}
    return transformers.Qwen2_5_VLConfig(
        vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, rope_theta=1e6, rms_norm_eps=1e-6, max_position_embeddings=32768,
        rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}, tie_word_embeddings=False,
        bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_config=dict(depth=1, hidden_size=32, intermediate_size=64, num_heads=2, patch_size=2,
                           temporal_patch_size=2, spatial_merge_size=2, out_hidden_size=64,
                           window_size=8, fullatt_block_indexes=[0]))


def llama_config(tok):
    return transformers.LlamaConfig(
        vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=3, num_attention_heads=4,
        num_key_value_heads=2, rope_theta=500000.0, rms_norm_eps=1e-5, max_position_embeddings=131072,
        rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                      "original_max_position_embeddings": 8192},
        attention_bias=False, mlp_bias=False, tie_word_embeddings=False,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)


def gpt2_config(tok):
    return transformers.GPT2Config(
        vocab_size=len(tok), n_embd=64, n_layer=2, n_head=4, n_inner=128, n_positions=64,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, tie_word_embeddings=True)


# Per fixture directory: tokenizer factory, config factory, model class, texts, batches (key prefix -> padding
# side), dtype the weights are saved in, max_shard_size (None = one file), seed.
MODEL_SPECS = {
    "qwen2": dict(tokenizer=qwen2_tokenizer, config=lambda t: qwen2_config(t, tie=True),
                  cls=transformers.Qwen2ForCausalLM, texts=QWEN_TEXTS, batches={"": "right", "left_": "left"},
                  dtype=torch.float32, shard=None, seed=1001),
    "qwen2-bf16": dict(tokenizer=qwen2_tokenizer, config=lambda t: qwen2_config(t, tie=False),
                       cls=transformers.Qwen2ForCausalLM, texts=QWEN_TEXTS, batches={"": "right"},
                       dtype=torch.bfloat16, shard="150KB", seed=1002),
    "qwen2_5_vl": dict(tokenizer=qwen2_tokenizer, config=qwen2_5_vl_config,
                       cls=transformers.Qwen2_5_VLForConditionalGeneration, texts=QWEN_TEXTS,
                       batches={"": "right"}, dtype=torch.float32, shard=None, seed=1003),
    "llama": dict(tokenizer=llama3_tokenizer, config=llama_config, cls=transformers.LlamaForCausalLM,
                  texts=LLAMA_TEXTS, batches={"": "right"}, dtype=torch.float32, shard=None, seed=1004),
    "gpt2": dict(tokenizer=gpt2_tokenizer, config=gpt2_config, cls=transformers.GPT2LMHeadModel,
                 texts=GPT2_TEXTS, batches={"": "right"}, dtype=torch.float32, shard=None, seed=1005),
}
VL_LEGACY = "qwen2_5_vl-legacy-keys"
VL_NEW_PREFIX, VL_OLD_PREFIX = "model.language_model.", "model."


def layers_prefix(model):
    """Module-name prefix of the decoder blocks, e.g. `model.layers.` or `transformer.h.`."""
    for name, _ in model.named_modules():
        m = re.match(r"^(.*\.(?:layers|h))\.0$", name)
        if m and "visual" not in name:
            return m.group(1) + "."
    raise RuntimeError("no decoder block list found")


def run_reference(model, tok, texts, side, pad_token):
    """Forward the padded batch in float32 and collect everything the Swift tests compare."""
    tok.padding_side = side
    if tok.pad_token is None:
        tok.pad_token = pad_token
    enc = tok(texts, padding=True, return_tensors="pt")
    prefix = layers_prefix(model)
    n_layers = model.config.get_text_config().num_hidden_layers
    mlp_out = "mlp.c_proj" if prefix.startswith("transformer.") else "mlp.down_proj"
    probe = f"{prefix}1.{mlp_out}"
    last_block = f"{prefix}{n_layers - 1}"
    captured, handles = {}, []
    modules = dict(model.named_modules())

    def capture_block(name, with_input):
        def hook(_module, args, output):
            if with_input:
                captured[f"capture.{name}.input"] = args[0]
            captured[f"capture.{name}.output"] = output[0] if isinstance(output, tuple) else output
        return modules[name].register_forward_hook(hook)

    def capture_positions(name, argument_index):
        def hook(_module, args, kwargs, _output):
            captured["position_ids"] = kwargs["position_ids"] if "position_ids" in kwargs else args[argument_index]
        return modules[name].register_forward_hook(hook, with_kwargs=True)

    handles.append(capture_block(probe, with_input=True))
    handles.append(capture_block(last_block, with_input=False))
    rotary = [n for n in modules if n.endswith("rotary_emb") and "visual" not in n]
    # RoPE models: the ids handed to the rotary embedding; GPT-2: the ids looked up in `wpe`.
    handles.append(capture_positions(rotary[0], 1) if rotary else capture_positions("transformer.wpe", 0))
    with torch.no_grad():
        out = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True)
    for h in handles:
        h.remove()
    batch, length = enc["input_ids"].shape
    positions = captured.pop("position_ids").to(torch.int64)
    positions = positions.expand(*positions.shape[:-2], batch, length) if positions.ndim >= 2 else positions
    tensors = {"input_ids": enc["input_ids"].to(torch.int64), "attention_mask": enc["attention_mask"].to(torch.int64),
               "position_ids": positions.contiguous(), "logits": out.logits.float()}
    assert len(out.hidden_states) == n_layers + 1
    for i, h in enumerate(out.hidden_states):
        tensors[f"hidden_states.{i}"] = h.float()
    tensors.update({k: v.float() for k, v in captured.items()})
    ids = [tok(t)["input_ids"] for t in texts]
    for row, seq in enumerate(ids):
        mask = enc["attention_mask"][row].bool()
        assert enc["input_ids"][row][mask].tolist() == seq, "batch tokens differ from single-text tokens"
    meta = {"padding_side": side, "pad_token": tok.pad_token, "pad_token_id": tok.pad_token_id,
            "token_ids": ids, "shape": [batch, length], "probe_module": probe, "last_block_module": last_block,
            "logits_max_abs": float(out.logits.abs().max())}
    return {k: v.contiguous() for k, v in tensors.items()}, meta


def load(name_dir, cls):
    return cls.from_pretrained(name_dir, dtype=torch.float32, attn_implementation="eager").eval()


def write_legacy_vl_weights(src_dir, dst_dir):
    """Copy Qwen2.5-VL weights from the v5 layout into the pre-v5 one (same tensors, renamed keys)."""
    renames = [("model.language_model.", "model."), ("model.visual.", "visual.")]
    weights = safetensors.torch.load_file(os.path.join(src_dir, "model.safetensors"))
    renamed = {}
    for key, value in weights.items():
        old, new = next(((o, n) for o, n in renames if key.startswith(o)), ("", ""))
        renamed[new + key[len(old):]] = value
    assert len(renamed) == len(weights)
    safetensors.torch.save_file(renamed, os.path.join(dst_dir, "model.safetensors"), metadata={"format": "pt"})


def legacy_vl_config(config_dict):
    """Flat pre-v5 Qwen2.5-VL config.json (text fields top-level, `rope_scaling` + `rope_theta`)."""
    cfg = {k: v for k, v in config_dict.items() if k != "text_config"}
    text = dict(config_dict.get("text_config", {}))
    rope = dict(text.pop("rope_parameters", None) or {})
    for key in ("model_type", "layer_types", "dtype"):
        text.pop(key, None)
    cfg.update(text)
    if rope:
        cfg["rope_theta"] = rope.pop("rope_theta", 1e6)
        cfg["rope_scaling"] = {"type": "mrope", "mrope_section": rope["mrope_section"]}
    cfg["torch_dtype"] = cfg.pop("dtype", "float32")
    vision = dict(cfg["vision_config"])
    vision.pop("rope_parameters", None)
    vision["in_chans"] = vision.pop("in_channels", 3)
    cfg["vision_config"] = vision
    return cfg


def key_layout(weight_keys):
    """Prefix of the decoder-block weight keys with the index as N: `model.layers.N`, `transformer.h.N`, ..."""
    for key in sorted(weight_keys):
        m = re.match(r"^((?:\w+\.)*?(?:layers|h))\.\d+\.", key)
        if m and "visual" not in key:
            return m.group(1) + ".N"
    raise RuntimeError("no decoder block weights found")


def weight_keys(directory):
    keys = []
    for f in sorted(os.listdir(directory)):
        if f.startswith("model") and f.endswith(".safetensors"):
            with safetensors.safe_open(os.path.join(directory, f), "pt") as sf:
                keys.extend(sf.keys())
    return keys


def versions():
    return {"torch": torch.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__, "safetensors": safetensors.__version__}


def write_reference(directory, tensors, meta):
    safetensors.torch.save_file(tensors, os.path.join(directory, "reference.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(directory, "reference.json"), "w") as f:
        text = json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True)
        # One line per list of numbers (token ids), so the file stays readable.
        f.write(re.sub(r"\[\s*(-?\d[\d,\s-]*?)\s*\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text) + "\n")


def build(name, spec, work):
    """Save checkpoint + tokenizer into `work/name`, reload it in float32 and return (tensors, meta, model)."""
    directory = os.path.join(work, name)
    os.makedirs(directory)
    tok, pad_token = spec["tokenizer"]()
    tok.save_pretrained(directory)
    config = spec["config"](tok)
    torch.manual_seed(spec["seed"])
    model = spec["cls"](config).eval()
    randomize(model, spec["seed"])
    model.to(spec["dtype"])
    save_kwargs = {"max_shard_size": spec["shard"]} if spec["shard"] else {}
    extra = {}
    if name == "qwen2_5_vl":  # keep the v5 key layout; the legacy layout gets its own directory
        extra["save_pretrained_default_key_layout"] = default_save_layout(model, work)
        save_kwargs["save_original_format"] = False
    model.save_pretrained(directory, **save_kwargs)
    tok = transformers.AutoTokenizer.from_pretrained(directory)
    model = load(directory, spec["cls"])
    tensors, batches = {}, {}
    for prefix, side in spec["batches"].items():
        t, m = run_reference(model, tok, spec["texts"], side, pad_token)
        tensors.update({prefix + k: v for k, v in t.items()})
        batches[prefix] = m
    keys = weight_keys(directory)
    meta = {"model_class": spec["cls"].__name__, "texts": spec["texts"], "batches": batches,
            "versions": versions(), "seed": spec["seed"], "add_special_tokens": True,
            "weights_dtype": str(spec["dtype"]).replace("torch.", ""), "compute_dtype": "float32",
            "compute_device": "cpu", "attn_implementation": "eager",
            "vocab_size": model.config.get_text_config().vocab_size, "tokenizer_size": len(tok),
            "num_hidden_layers": model.config.get_text_config().num_hidden_layers,
            "hidden_size": model.config.get_text_config().hidden_size,
            "key_layout": key_layout(keys), "weight_files": sorted(f for f in os.listdir(directory)
                                                                  if f.startswith("model")), **extra}
    return tensors, meta, model


def default_save_layout(model, work):
    """Key layout that `save_pretrained` writes with its defaults for a freshly built model."""
    probe = os.path.join(work, "_default_save")
    model.save_pretrained(probe)
    layout = key_layout(weight_keys(probe))
    shutil.rmtree(probe)
    return layout


def qwen2_equivalence(vl_model, tensors):
    """Text-only Qwen2.5-VL == Qwen2 with the same weights (M-RoPE with equal t/h/w ids is 1-D RoPE)."""
    text = vl_model.config.get_text_config()
    cfg = transformers.Qwen2Config(vocab_size=text.vocab_size, hidden_size=text.hidden_size,
                                   intermediate_size=text.intermediate_size,
                                   num_hidden_layers=text.num_hidden_layers,
                                   num_attention_heads=text.num_attention_heads,
                                   num_key_value_heads=text.num_key_value_heads, rope_theta=1e6,
                                   rms_norm_eps=text.rms_norm_eps, tie_word_embeddings=False,
                                   attn_implementation="eager")
    qwen = transformers.Qwen2ForCausalLM(cfg).eval()
    state = {k.replace("model.language_model.", "model."): v for k, v in vl_model.state_dict().items()
             if not k.startswith("model.visual.")}
    qwen.load_state_dict(state, strict=True)
    with torch.no_grad():
        logits = qwen(input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]).logits
    mask = tensors["attention_mask"].bool()
    return float((logits[mask] - tensors["logits"][mask]).abs().max())


def rename_capture_keys(tensors, meta, old, new):
    swap = (lambda s: new + s[len(old):] if s.startswith(old) else s)
    tensors = {("capture." + swap(k[len("capture."):]) if k.startswith("capture.") else k): v
               for k, v in tensors.items()}
    for b in meta["batches"].values():
        b["probe_module"], b["last_block_module"] = swap(b["probe_module"]), swap(b["last_block_module"])
    return tensors


def make_vl_legacy(work, vl_dir, tensors, meta):
    """Same weights and reference as qwen2_5_vl, keys and config.json in the pre-v5 (Hub) layout."""
    directory = os.path.join(work, VL_LEGACY)
    os.makedirs(directory)
    for f in os.listdir(vl_dir):
        if f.startswith("tokenizer") or f == "special_tokens_map.json" or f == "generation_config.json":
            shutil.copy(os.path.join(vl_dir, f), directory)
    write_legacy_vl_weights(vl_dir, directory)
    with open(os.path.join(vl_dir, "config.json")) as f:
        cfg = legacy_vl_config(json.load(f))
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    reloaded = load(directory, transformers.Qwen2_5_VLForConditionalGeneration)
    with torch.no_grad():
        logits = reloaded(input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]).logits
    diff = float((logits - tensors["logits"]).abs().max())
    assert diff < 1e-5, f"legacy-key copy does not reproduce the reference: {diff}"
    legacy_meta = copy.deepcopy(meta)
    legacy_tensors = rename_capture_keys(tensors, legacy_meta, VL_NEW_PREFIX, VL_OLD_PREFIX)
    legacy_meta.update(key_layout=key_layout(weight_keys(directory)), config_format="legacy flat (pre-v5)",
                       legacy_copy_reload_max_abs_diff=diff,
                       saved_with="qwen2_5_vl's tensors with renamed keys (safetensors.torch.save_file)")
    write_reference(directory, legacy_tensors, legacy_meta)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder that receives the fixture directories")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.use_deterministic_algorithms(True)
    print(json.dumps(versions()))
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(dir=args.out, prefix=".tmp-")
    summaries = {}
    for name, spec in MODEL_SPECS.items():
        tensors, meta, model = build(name, spec, work)
        if name == "qwen2_5_vl":
            meta["qwen2_equivalence_max_abs_diff"] = qwen2_equivalence(model, tensors)
            meta["config_format"] = "transformers v5 nested (text_config, rope_parameters)"
            meta["saved_with"] = "save_pretrained(save_original_format=False)"
        write_reference(os.path.join(work, name), tensors, meta)
        summaries[name] = (tensors, meta)
        if name == "qwen2_5_vl":
            make_vl_legacy(work, os.path.join(work, name), tensors, meta)
            with open(os.path.join(work, VL_LEGACY, "reference.json")) as f:
                summaries[VL_LEGACY] = (safetensors.torch.load_file(
                    os.path.join(work, VL_LEGACY, "reference.safetensors")), json.load(f))
        print(name, meta["key_layout"], {k: b["logits_max_abs"] for k, b in meta["batches"].items()}, flush=True)
    for name in summaries:
        final = os.path.join(args.out, name)
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(os.path.join(work, name), final)
    shutil.rmtree(work)
    with open(os.path.join(args.out, "SCHEMA.md"), "w") as f:
        f.write(schema(summaries, versions()))
    write_manifest(args.out, list(summaries))


def write_manifest(out, names):
    lines = []
    for name in sorted(names) + [None]:
        files = sorted(os.listdir(os.path.join(out, name))) if name else ["SCHEMA.md"]
        for f in files:
            rel = f"{name}/{f}" if name else f
            with open(os.path.join(out, rel), "rb") as fh:
                lines.append(f"{hashlib.sha256(fh.read()).hexdigest()}  {rel}")
    with open(os.path.join(out, "MANIFEST.sha256"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
