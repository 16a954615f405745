#!/usr/bin/env bash
# The ranker's accelerator run, prepared here and run there in one call (docs/relevance.md,
# "Training the ranker"). Here, first:
#   jobsearch corpus generate --jobs 20000 --seed 11      # the dev set's corpus
#   jobsearch eval queries --n 8000 --seed 3
#   jobsearch eval ranker-bundle --out .rankdata           # texts, policy grades, dev pairs
#   python scripts/make_minilm_fp16.py .rankdata/minilm    # the base weights, fp16 (45 MB)
# then on the device (carry .rankdata):  bash scripts/gpu_train_ranker.sh
# and here:  python -m jobsearch.models.student_checkpoint ... (see docs/relevance.md)
set -uo pipefail
OUT=${OUT:-./gpu-out}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=true
nvidia-smi -L 2>/dev/null || true
timeout "${RANKER_TIMEOUT:-560}" python3 scripts/gpu_train_ranker.py --bundle .rankdata --base .rankdata/minilm \
  --out "$OUT" "$@" 2>&1 | grep --line-buffered -v -e "Loading weights" -e "LOAD REPORT" -e "MISSING" -e "^Key " -e "^---" -e "^Notes" -e "newly initialized"
ls -la "$OUT"
