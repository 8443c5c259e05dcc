#!/bin/sh
# Build the shipped Dutch pipeline (issue 4): convert + harmonise UD Dutch, train on ONE core,
# package into src/ivpcorpus/data/nlp_model/, evaluate on the UD test files.
#   UD_DIR       UD Dutch folder (default ../shared/data/ud-dutch)
#   MAX_STEPS    training steps (default from config.cfg: 5200; patience 1600)
#   PY           python (default .venv/bin/python)
set -eu
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
UD_DIR=${UD_DIR:-../shared/data/ud-dutch}
OUT=training/nlp/output/run1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

$PY training/nlp/convert.py --ud-dir "$UD_DIR" --out training/nlp/corpus
$PY -m spacy train training/nlp/config.cfg --output "$OUT" \
    ${MAX_STEPS:+--training.max_steps "$MAX_STEPS"}
$PY training/nlp/package.py --model "$OUT/model-best" --out src/ivpcorpus/data/nlp_model
$PY training/nlp/evaluate.py --json training/nlp/output/scores.json
