"""Evaluate a Dutch pipeline on the UD test files only, and benchmark its speed.

    OMP_NUM_THREADS=1 python training/nlp/evaluate.py [--model PATH | --package nl_core_news_sm]
                                                      [--with-exceptions] [--json out.json]

Needs the corpora from training/nlp/convert.py (training/nlp/corpus/test_*.spacy).
Prints per test set (LassySmall test, Alpino test), with gold tokenisation:
  POS      UPOS accuracy
  LEMMA    lemma accuracy against gold with the project compound convention
           (provincie_raad_verkiezing -> provincieraadsverkiezing, see convert.py)
  LEMMA_raw strict accuracy against the raw UD lemma (underscores and all)
  LEMMA_cw lemma accuracy (project convention) on content words: gold UPOS NOUN/VERB/ADJ
  UAS, LAS (punctuation excluded, as spaCy's scorer), sent F (sentence boundaries
  over 10-sentence documents)
and tokens/second on one core from raw text via nlp.pipe (tokeniser included) for
the full pipeline and for the lemmatize() configuration (parser disabled).
The domain exception component is disabled unless --with-exceptions (it deliberately
departs from UD conventions: jongeren -> jongere, attributive participles -> adjective).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from spacy.scorer import Scorer  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402

import ivpcorpus.nlp as ivpnlp  # noqa: E402

HERE = Path(__file__).resolve().parent
TESTS = {"LassySmall test": "test_lassysmall", "Alpino test": "test_alpino"}
CONTENT = {"NOUN", "VERB", "ADJ"}
NL_CORE_NEWS_SM_380 = {"POS": 95.8, "LEMMA": 95.0, "UAS": 85.7, "sent F": 86.5}


def _gold(nlp, name: str) -> tuple[list[Doc], list[Doc]]:
    corpus = HERE / "corpus"
    norm = list(DocBin().from_disk(corpus / f"{name}.spacy").get_docs(nlp.vocab))
    raw = list(DocBin().from_disk(corpus / f"{name}_raw.spacy").get_docs(nlp.vocab))
    return norm, raw


def score(nlp, name: str, batch_size: int = 64) -> dict[str, float]:
    gold, raw = _gold(nlp, name)
    inputs = [Doc(nlp.vocab, words=[t.text for t in g], spaces=[bool(t.whitespace_) for t in g]) for g in gold]
    preds = list(nlp.pipe(inputs, batch_size=batch_size))
    ex = [Example(p, g) for p, g in zip(preds, gold)]
    deps = Scorer.score_deps(ex, "dep", ignore_labels=("p", "punct"))
    sents = Scorer.score_spans(ex, "sents", has_annotation=lambda d: d.has_annotation("SENT_START"))
    n = pos = lem = lem_raw = cw = cw_ok = 0
    for p, g, r in zip(preds, gold, raw):
        for tp, tg, tr in zip(p, g, r):
            n += 1
            pos += tp.pos_ == tg.pos_
            lem += tp.lemma_ == tg.lemma_
            lem_raw += tp.lemma_ == tr.lemma_
            if tg.pos_ in CONTENT:
                cw += 1
                cw_ok += tp.lemma_ == tg.lemma_
    return {"tokens": n, "POS": 100 * pos / n, "LEMMA": 100 * lem / n, "LEMMA_raw": 100 * lem_raw / n,
            "LEMMA_cw": 100 * cw_ok / cw, "UAS": 100 * deps["dep_uas"], "LAS": 100 * deps["dep_las"],
            "sent F": 100 * (sents["sents_f"] or 0.0)}


def speed(nlp, texts: list[str], batch_size: int = 64, repeat: int = 2) -> float:
    list(nlp.pipe(texts[:20], batch_size=batch_size))  # warm-up
    best = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        ntok = sum(len(d) for d in nlp.pipe(texts, batch_size=batch_size))
        best = max(best, ntok / (time.perf_counter() - t0))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ivpnlp.MODEL_DIR))
    ap.add_argument("--package", default=None, help="evaluate an installed package instead")
    ap.add_argument("--with-exceptions", action="store_true")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    nlp = spacy.load(a.package or a.model)
    if not a.with_exceptions and "ivp_lemma_exceptions" in nlp.pipe_names:
        nlp.disable_pipe("ivp_lemma_exceptions")
    print(f"pipeline: {a.package or a.model}  components: {nlp.pipe_names}")
    results = {}
    hdr = f"{'':16} {'POS':>6} {'LEMMA':>6} {'LEM_raw':>7} {'LEM_cw':>6} {'UAS':>6} {'LAS':>6} {'sentF':>6}"
    print(hdr)
    for label, name in TESTS.items():
        r = score(nlp, name, a.batch_size)
        results[label] = r
        print(f"{label:16} {r['POS']:6.1f} {r['LEMMA']:6.1f} {r['LEMMA_raw']:7.1f} {r['LEMMA_cw']:6.1f} "
              f"{r['UAS']:6.1f} {r['LAS']:6.1f} {r['sent F']:6.1f}")
    ref = NL_CORE_NEWS_SM_380
    print(f"{'nl_core_news_sm':16} {ref['POS']:6.1f} {ref['LEMMA']:6.1f} {'':>7} {'':>6} {ref['UAS']:6.1f} "
          f"{'':>6} {ref['sent F']:6.1f}   (3.8.0 published, its own UD Dutch split)")
    if not a.no_speed:
        gold, _ = _gold(nlp, "test_lassysmall")
        texts = [d.text for d in gold]
        full = speed(nlp, texts, a.batch_size)
        with nlp.select_pipes(disable=[p for p in ivpnlp.LEMMATIZE_DISABLE if p in nlp.pipe_names]):
            lemma_only = speed(nlp, texts, a.batch_size)
        results["speed"] = {"full_tokens_per_s": full, "no_parser_tokens_per_s": lemma_only,
                            "threads": os.environ.get("OMP_NUM_THREADS")}
        print(f"speed (1 core, nlp.pipe batch {a.batch_size}, LassySmall test text): "
              f"full pipeline {full:,.0f} tok/s; parser disabled (lemmatize) {lemma_only:,.0f} tok/s")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
