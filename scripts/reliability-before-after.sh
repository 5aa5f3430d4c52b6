#!/usr/bin/env bash
# Runs issue 17's list of failures (crashes, unbounded allocations, hangs, silently wrong results,
# poor messages, leftovers) through two `mokus` builds and prints one markdown table row per case:
# what each build did. It shows that the regression tests guard real failures: the "before" build
# (the commit before the reliability work) fails each case, the "after" build answers it.
#
#   scripts/reliability-before-after.sh OLD_MOKUS NEW_MOKUS [OLD_LABEL NEW_LABEL] > table.md
#
# Every run is a child process under `ulimit -v 8 GiB`, a 30 s wall-clock limit (a hang) and GNU
# time (peak resident memory). Outcomes: `signal N` (a trap or kill), `timeout` (> 30 s), `exit N`
# with the first line of stderr, plus `NaN printed` when stdout holds nan/inf and `left X` when a
# failed run left a file. Needs the repository's fixtures; run from the repository root.
set -u
old=$1 new=$2 old_label=${3:-before} new_label=${4:-after}
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/reliability.XXXXXX")
trap 'rm -rf "$work"' EXIT

qwen2=Tests/TextEncodersTests/Fixtures/qwen2
facts=Tests/MEMITTests/Fixtures/qwen2-facts
world=Sources/World/Resources/world

# A copy of a model folder with one config.json edit (sed expression), printed as its path.
variant() { # name source sed-expression
    local dir=$work/models/$1
    mkdir -p "$dir" && cp "$root/$2"/* "$dir/" && sed -i -e "$3" "$dir/config.json"
    echo "$dir"
}

# A copy of a model folder with 4 KiB of NaN in the middle of its weights (the bytes 00 00 c0 7f
# repeated: NaN in Float32, and every second value NaN in BFloat16).
nan_model() { # name source
    local dir=$work/models/$1
    mkdir -p "$dir" && cp "$root/$2"/* "$dir/"
    local size=$(stat -c %s "$dir/model.safetensors")
    for _ in $(seq 1024); do printf '\x00\x00\xc0\x7f'; done |
        dd of="$dir/model.safetensors" bs=1 seek=$(( size / 8 * 4 )) conv=notrunc status=none
    echo "$dir"
}

# Requests built from the facts fixture's first request, with one field replaced (jq-free: sed).
requests() { # name sed-expression
    local file=$work/requests-$1.json
    sed -e "$2" "$root/$facts/requests.json" > "$file"
    echo "$file"
}

run_case() { # binary case-dir args...
    local bin=$1 dir=$2; shift 2
    mkdir -p "$dir/out" "$dir/tmp"
    (
        cd "$dir/out" || exit
        ulimit -v 8388608
        TMPDIR=$dir/tmp timeout -s KILL 30 /usr/bin/time -f %M -o "$dir/rss" \
            "$bin" "$@" > "$dir/stdout" 2> "$dir/stderr" < /dev/null
    )
    echo $? > "$dir/rc"
}

describe() { # case-dir: one cell
    local dir=$1 rc cell
    rc=$(cat "$dir/rc")
    if [ "$rc" -eq 137 ] && [ ! -s "$dir/rss" ]; then cell="timeout (30 s)"
    elif grep -q "Command terminated by signal" "$dir/rss" 2>/dev/null || [ "$rc" -gt 128 ]; then
        cell="signal $((rc > 128 ? rc - 128 : rc))"
    else
        cell="exit $rc"
    fi
    local rss
    rss=$(grep -E '^[0-9]+$' "$dir/rss" 2>/dev/null | tail -1)
    [ -n "$rss" ] && cell="$cell, $((rss / 1024)) MB"
    grep -qiE '(^|[^a-z])(-?nan|inf)([^a-z]|$)' "$dir/stdout" && cell="$cell, NaN printed"
    local first
    first=$(grep -v '^$' "$dir/stderr" | grep -m1 -iE 'error|fatal|crash|trap' | cut -c1-110 | tr '|' '/')
    [ -z "$first" ] && first=$(head -c 110 "$dir/stderr" | head -1 | tr '|' '/')
    [ -n "$first" ] && cell="$cell: \`$first\`"
    local chars
    chars=$(wc -c < "$dir/stderr")
    [ "$chars" -gt 300 ] && cell="$cell ($chars characters on stderr)"
    local left
    left=$(cd "$dir/out" && find . -mindepth 1 -maxdepth 1 ! -name data ! -name 'pre-*' | head -3 | tr '\n' ' ')
    [ "$rc" -ne 0 ] && [ -n "$left" ] && cell="$cell; left $left"
    local temps
    temps=$(find "$dir/tmp" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$temps" -gt 0 ] && cell="$cell; $temps temp item(s) left"
    echo "$cell"
}

row() { # label args...
    local label=$1; shift
    local cells=()
    for side in old new; do
        local bin=${!side} dir=$work/case-$side-$RANDOM$RANDOM
        mkdir -p "$dir/out"
        [ -n "${PREPARE:-}" ] && (cd "$dir/out" && eval "$PREPARE")
        run_case "$bin" "$dir" "$@"
        cells+=("$(describe "$dir")")
    done
    printf '| %s | %s | %s |\n' "$label" "${cells[0]}" "${cells[1]}"
}

# An edits file of one ROME edit on the facts fixture, made by the new build.
edits=$work/one-edit.safetensors
single=$(mktemp "$work/single.XXXXXX.json")
sed -n '1,/^ },$/p' "$root/$facts/requests.json" | sed '$ s/},$/}]/' > "$single"
"$new" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" \
    --corpus "$root/$facts/corpus.txt" --requests "$single" --sequential --quiet \
    --save-edits "$edits" > /dev/null 2>&1 || { echo "could not make the edits file" >&2; exit 1; }

long_text=$work/long.txt
yes "a small red striped star on a blue background." | head -n 9000 | tr '\n' ' ' > "$long_text"
echo >> "$long_text"
laughs=$work/laughs.yaml
{
    cat "$root/hparams/ROME/tiny-qwen2-facts.yaml" | grep -v '^context_templates'
    echo 'a: &a ["{}","{}","{}","{}","{}","{}","{}","{}","{}","{}"]'
    for l in b c d e f g h i j; do
        prev=$(echo abcdefghij | cut -c$(( $(expr index abcdefghij $l) - 1 )))
        echo "$l: &$l [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
    done
    echo 'context_templates: *j'
} > "$laughs"
dup=$work/dup.yaml
{ cat "$root/hparams/ROME/tiny-qwen2-facts.yaml"; echo 'layers: [0]'; } > "$dup"
bad_json=$work/bad.json
printf '[\n {"prompt": "x",\n  "subject": }\n]\n' > "$bad_json"

echo "| case (issue 17) | $old_label | $new_label |"
echo "| --- | --- | --- |"
# The same edits with the factors' shapes damaged ([64,1] → [32,2]: the same bytes, a wrong shape).
damaged=$work/damaged.safetensors
LC_ALL=C sed 's/"shape":\[64,1\]/"shape":[32,2]/' "$edits" > "$damaged"
row "apply: edits whose delta shapes do not match the model" apply --model "$root/$facts" --edits "$damaged" --save-model edited
row "num_hidden_layers -1" encode --model "$(variant layers-neg "$qwen2" 's/"num_hidden_layers": 2/"num_hidden_layers": -1/')" --text hi
row "num_key_value_heads huge" encode --model "$(variant kv-huge "$qwen2" 's/"num_key_value_heads": 2/"num_key_value_heads": 1000000000/')" --text hi
row "GPT-2 n_head not dividing n_embd" encode --model "$(variant gpt2-heads Tests/TextEncodersTests/Fixtures/gpt2 's/"n_head": [0-9]*/"n_head": 5/')" --text hi
row "empty rephrase prompt with --eval" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" --corpus "$root/$facts/corpus.txt" --requests "$(requests rephrase 's/"rephrase_prompt": "[^"]*"/"rephrase_prompt": ""/')" --eval --quiet
row "empty locality answer with --eval" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" --corpus "$root/$facts/corpus.txt" --requests "$(requests locality '0,/"Japan"/s/"Japan"/""/')" --eval --quiet
row "generate --size whose area overflows" generate --generator "$root/$world" --prompt "a star" --size 4294967296x4294967296 --steps 2 --out a.png
row "generate --steps Int.max" generate --generator "$root/$world" --prompt "a star" --steps 9223372036854775807 --out a.png
row "text longer than the context (54k tokens)" encode --model "$root/$world/text_encoder" --text-file "$long_text"
row "num_hidden_layers 1e9" encode --model "$(variant layers-huge "$qwen2" 's/"num_hidden_layers": 2/"num_hidden_layers": 1000000000/')" --text hi
row "generate --size 4096x4096 on the world" generate --generator "$root/$world" --prompt "a star" --size 4096x4096 --steps 2 --out a.png
row "generate --steps 1e12" generate --generator "$root/$world" --prompt "a star" --steps 1000000000000 --out a.png
row "hidden_size 1e12" encode --model "$(variant hidden-huge "$qwen2" 's/"hidden_size": 64/"hidden_size": 1000000000000/')" --text hi
row "YAML billion laughs in context_templates" edit --hparams "$laughs" --model "$root/$facts" --corpus "$root/$facts/corpus.txt" --requests "$single" --quiet
row "NaN weights: encode" encode --model "$(nan_model nan-qwen2 "$qwen2")" --text hi --json
row "hidden_act bogus" encode --model "$(variant act "$qwen2" 's/"hidden_act": "silu"/"hidden_act": "bogus"/')" --text hi
row "rope_theta -1 (rope_parameters)" encode --model "$(variant theta "$qwen2" 's/"rope_theta": 1000000.0/"rope_theta": -1/')" --text hi
row "max_position_embeddings -1" encode --model "$(variant maxpos "$qwen2" 's/"max_position_embeddings": 32768/"max_position_embeddings": -1/')" --text hi
row "rope_parameters malformed" encode --model "$(variant ropeparams "$qwen2" 's/"rope_type": "default"/"rope_type": 7/')" --text hi
row "mrope_section of the wrong length" encode --model "$(variant mrope Tests/TextEncodersTests/Fixtures/qwen2_5_vl '/"mrope_section": \[/{n;s/[0-9][0-9]*/1/}')" --text hi
row "generate --guidance nan" generate --generator "$root/$world" --prompt "a star" --steps 2 --guidance nan --out a.png
row "apply --count 5 on a file of one edit" apply --model "$root/$facts" --edits "$edits" --count 5 --save-model edited
row "invalid requests JSON" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" --requests "$bad_json" --quiet
row "duplicate YAML key" edit --hparams "$dup" --model "$root/$facts" --requests "$single" --quiet
row "NaN weights: encode (text output)" encode --model "$(nan_model nan-qwen2-text "$qwen2")" --text hi
row "encode --top -1" encode --model "$root/$qwen2" --text hi --top -1
row "apply --save-model ''" apply --model "$root/$facts" --edits "$edits" --save-model ''
row "output under a file (filesystem error)" apply --model "$root/$facts" --edits "$edits" --save-model /etc/hostname/edited
row "NaN weights: generate --save-latents" generate --generator "$root/$world" --encoder "$(nan_model nan-world "$world/text_encoder")" --prompt "a star" --steps 2 --size 16x16 --save-latents latents.safetensors --out a.png
PREPARE="touch pre-file" row "edit --save-edits, then --save-model fails (its folder is a file)" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" --corpus "$root/$facts/corpus.txt" --requests "$single" --sequential --quiet --save-edits e.safetensors --save-model pre-file/edited
row "--save-edits and --save-model on one path" edit --hparams "$root/hparams/ROME/tiny-qwen2-facts.yaml" --model "$root/$facts" --corpus "$root/$facts/corpus.txt" --requests "$single" --sequential --quiet --save-edits same --save-model same
