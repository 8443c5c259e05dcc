"""Assemble the shipped pipeline from a trained spaCy model.

    python training/nlp/package.py [--model training/nlp/output/run1/model-best]
                                   [--out src/ivpcorpus/data/nlp_model]

Adds the project's post-processing components (registered in ivpcorpus.nlp):
  ivp_lemma_fallback   spacy-lookups-data nl lemma lookup for tokens the edit-tree
                       lemmatizer leaves without lemma (stored inside the model)
  ivp_lemma_exceptions domain exceptions from ivpcorpus/data/nlp_lemma_exceptions.yaml
and writes meta (name, version, sources, licence). LICENSE and MODEL_CARD.md in --out
are kept.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import DocBin

import ivpcorpus.nlp  # noqa: F401  (registers the factories)

ROOT = Path(__file__).resolve().parents[2]
KEEP = {"LICENSE", "MODEL_CARD.md"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "training/nlp/output/run1/model-best"))
    ap.add_argument("--out", default=str(ROOT / "src/ivpcorpus/data/nlp_model"))
    ap.add_argument("--train", default=str(ROOT / "training/nlp/corpus/train.spacy"),
                    help="training corpus: its lemmas count as known lemmas for the fallback")
    a = ap.parse_args()
    nlp = spacy.load(a.model)
    lem = nlp.get_pipe("trainable_lemmatizer")
    lem.backoff = None  # empty lemma -> ivp_lemma_fallback
    train_lemmas = {t.lemma_ for d in DocBin().from_disk(a.train).get_docs(nlp.vocab) for t in d}
    nlp.add_pipe("ivp_lemma_fallback", after="trainable_lemmatizer").initialize(extra_lemmas=train_lemmas)
    nlp.add_pipe("ivp_lemma_exceptions", last=True)
    nlp.meta.update({
        "name": "ivp_nl_ud_sm", "version": "0.2.0",
        "description": "Dutch tok2vec/morphologizer/parser/edit-tree lemmatizer for ivpcorpus, "
                       "trained on harmonised UD Dutch LassySmall (2017 train) + current "
                       "LassySmall/Alpino dev. See MODEL_CARD.md.",
        "license": "CC BY-SA 4.0",
        "author": "ivpcorpus", "url": "", "email": "",
        "sources": [
            {"name": "UD_Dutch-LassySmall", "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
             "license": "CC BY-SA 4.0", "author": "Gosse Bouma, Gertjan van Noord"},
            {"name": "UD_Dutch-Alpino", "url": "https://github.com/UniversalDependencies/UD_Dutch-Alpino",
             "license": "CC BY-SA 4.0", "author": "Gosse Bouma, Gertjan van Noord et al."},
            {"name": "spacy-lookups-data (nl_lemma_lookup)", "url": "https://github.com/explosion/spacy-lookups-data",
             "license": "MIT"},
        ],
        "requirements": ["ivpcorpus (registers ivp_lemma_fallback, ivp_lemma_exceptions)"],
    })
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        nlp.to_disk(tmp)
        out.mkdir(parents=True, exist_ok=True)
        for p in out.iterdir():
            if p.name in KEEP:
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        for p in Path(tmp).iterdir():
            shutil.move(str(p), out / p.name)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB): {nlp.pipe_names}")


if __name__ == "__main__":
    main()
