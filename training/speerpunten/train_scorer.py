"""Train the speerpunten list scorer and write `src/ivpcorpus/data/speerpunten/scorer.json`.

Training material: the `tune` plans of ../shared/dev (PDFs, and the excerpts of texts/ and
secondary/ as HTML under neutral names and rendered into PDFs between filler chapters) and the synthetic demo corpus (weighted lower: it
shares vocabulary with nothing real, but shows every layout). A candidate list is positive
when at least half of its items match the plan's gold items of its level.

With --corrections OUT_DIR (repeatable), the plans a person reviewed in a run's review sheet
(OUT_DIR/review/speerpunt_corrections.csv: "geen speerpunt", an added missed item) are training
material too: after the decisions a plan states its remaining items, and its candidate lists are
labelled against them like the dev plans'. They train every fold and the final scorer; the
leave-one-plan-out figures and the thresholds stay on `tune`. A reviewed document that is itself
a dev file (same doc_id) is left out: the dev gold labels it, and a check plan must never train.

Prints leave-one-plan-out figures on `tune` (the scorer refitted without the plan, thresholds
chosen on the other plans' out-of-fold scores) and, with --check, the frozen scorer's figures
on `check`.

    .venv/bin/python training/speerpunten/train_scorer.py [--check] [--work DIR] [--corrections OUT_DIR ...]
"""

from __future__ import annotations

import argparse
import datetime
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from ivpcorpus import evaluate_speerpunten as evaluation
from ivpcorpus.speerpunten import Finder, find_speerpunten
from ivpcorpus.speerpunten.cues import OVERIG, PRIORITEIT, load_cues
from ivpcorpus.speerpunten.decide import decide
from ivpcorpus.speerpunten.forms import propose_all
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.scoring import (
    SCORER_PATH, ListScorer, Vocabulary, features, mark_review_only, score_lists,
)
from ivpcorpus.speerpunten.units import units_of

REPO = Path(__file__).resolve().parents[2]
DEMO_WEIGHT = 0.5
# A person's decisions on a real plan weigh like the dev gold.
REVIEW_WEIGHT = 1.0
THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)


def material(work: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(gold with plan/source/split, documents, blocks) for the dev material and the demo corpus."""
    dev = work / "dev"
    dev.mkdir(parents=True, exist_ok=True)
    gold = evaluation.dev_gold(REPO.parent / "shared" / "dev", dev)
    demo_gold = evaluation.load_gold(REPO / "corpus" / "demo" / "ground_truth.json")
    demo_gold = demo_gold.assign(plan=demo_gold["doc"], source="demo", split="demo")
    # demo files under a name of their own: the demo corpus has a file named like a dev PDF
    # (opmeer_2023-2026.pdf), and documents are matched to their gold by file name
    demo_gold = demo_gold.assign(doc="demo/" + demo_gold["doc"], plan="demo/" + demo_gold["plan"])
    cache = work / "extracted-v2.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    d1, b1 = evaluation.extract_gold_documents(gold, dev, workers=2)
    d2, b2 = evaluation.extract_gold_documents(demo_gold.assign(doc=demo_gold["doc"].str.removeprefix("demo/")),
                                               REPO / "corpus" / "demo", workers=2)
    d2 = d2.assign(source_file="demo/" + d2["source_file"])
    result = (pd.concat([gold, demo_gold], ignore_index=True), pd.concat([d1, d2], ignore_index=True),
              pd.concat([b1, b2], ignore_index=True))
    cache.write_bytes(pickle.dumps(result))
    return result


def review_material(out_dirs: list[Path], dev_doc_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(gold, documents, blocks) of the plans a person reviewed in the runs in `out_dirs`, under
    names of their own ("review/<run>/<file>"), in the shape `material` returns."""
    from ivpcorpus.review import load_speerpunt_corrections
    from ivpcorpus.speerpunten.corrections import reviewed_gold
    from ivpcorpus.store import Store

    golds, documents, blocks, taken = [], [], [], set()
    for out_dir in out_dirs:
        store = Store(out_dir)
        if not all(store.has(name) for name in ("documents", "blocks", "speerpunten")):
            raise SystemExit(f"{out_dir}: geen volledige run (documents, blocks, speerpunten); draai eerst `ivpcorpus run`")
        docs = store.read("documents")
        docs = docs[~docs["doc_id"].isin(dev_doc_ids | taken)]  # a file in two runs: its first run's decisions
        gold = reviewed_gold(store.read("speerpunten"), docs, load_speerpunt_corrections(out_dir))
        name = {s: f"review/{Path(out_dir).name}/{s}" for s in gold["source_file"]}
        golds.append(gold.assign(doc=gold["source_file"].map(name), plan=gold["source_file"].map(name),
                                 source="review", split="review")[["doc", "level", "text", "plan", "source", "split"]])
        docs = docs[docs["doc_id"].isin(gold["doc_id"])]
        taken |= set(docs["doc_id"])
        documents.append(docs.assign(source_file=docs["source_file"].map(name)))
        all_blocks = store.read("blocks")
        blocks.append(all_blocks[all_blocks["doc_id"].isin(docs["doc_id"])])
    if not golds:
        return pd.DataFrame(columns=["doc", "level", "text", "plan", "source", "split"]), pd.DataFrame(), pd.DataFrame()
    return pd.concat(golds, ignore_index=True), pd.concat(documents, ignore_index=True), pd.concat(blocks, ignore_index=True)


def list_rows(gold: pd.DataFrame, documents: pd.DataFrame, blocks: pd.DataFrame) -> tuple[list[dict], dict]:
    """One row per candidate list (features, label, plan, split) and the plans' (Plan, lists)."""
    cues, vocabulary = load_cues(), Vocabulary.from_knowledge()
    by_doc = dict(tuple(blocks.groupby("doc_id", sort=False)))
    meta = gold.drop_duplicates("doc").set_index("doc")
    rows, plans = [], {}
    for doc in documents.to_dict("records"):
        name = doc["source_file"]
        plan = Plan(units_of(by_doc.get(doc["doc_id"], blocks.iloc[:0])), cues)
        lists = propose_all(plan)
        mark_review_only(lists, plan, vocabulary)  # as Finder.candidate_lists does: the decision reads it
        plans[name] = (plan, lists)
        for n, candidate in enumerate(lists):
            expected = gold.loc[(gold["doc"] == name) & (gold["level"] == candidate.level), "text"].tolist()
            matched = evaluation.count_matches([c.text for c in candidate.items], expected)
            rows.append({"doc": name, "list": n, "plan": meta.loc[name, "plan"], "split": meta.loc[name, "split"],
                         "label": int(matched >= max(1, len(candidate.items) / 2)),
                         **features(candidate, plan, lists, vocabulary)})
    return rows, plans


def fit(table: pd.DataFrame, names: list[str]) -> ListScorer:
    weight = np.select([table["split"] == "demo", table["split"] == "review"], [DEMO_WEIGHT, REVIEW_WEIGHT], 1.0)
    return ListScorer(C=0.5).fit(table[names].to_numpy(float), table["label"].to_numpy(), names, sample_weight=weight)


def items_of(plans: dict, docs: list[str], scores: dict, scorer: ListScorer) -> pd.DataFrame:
    """The decided items of `docs` with the given list scores, in the 'speerpunten' shape score() reads."""
    rows = []
    cues = load_cues()
    for doc in docs:
        plan, lists = plans[doc]
        for n, candidate in enumerate(lists):
            candidate.score = scores[(doc, n)]
        for item in decide(lists, plan.units, cues, scorer).items:
            rows.append({"source_file": doc, "level": item.level, "text": item.text})
    return pd.DataFrame(rows, columns=["source_file", "level", "text"])


def choose_thresholds(plans, docs, scores, scorer, gold) -> dict[str, float]:
    best = {}
    for level in (PRIORITEIT, OVERIG):
        f1s, sweep = [], []
        for t in THRESHOLDS:
            scorer.thresholds_ = {**scorer.thresholds_, level: float(t)}
            overall = evaluation.score(items_of(plans, docs, scores, scorer), gold[gold["doc"].isin(docs)]).overall
            row = overall.set_index("level").loc[level]
            f1s.append(float(row["f1"]))
            sweep.append(f"{t:.2f}:{row['f1']:.3f} (P {row['precision']:.2f} R {row['recall']:.2f})")
        print(f"{level} F1 by threshold (leave-one-plan-out on tune): " + ", ".join(sweep), file=sys.stderr)
        # the best F1 (ties: the higher threshold). Items of a list scored below decide.SURE_SCORE
        # are kept but their plan is "onzeker" and goes to review, so a low threshold costs a
        # person's check rather than a wrong national figure. A flat curve says nothing (too
        # few lists of this level) and keeps the neutral 0.5.
        top = max(f1s)
        best[level] = 0.5 if len(set(f1s)) == 1 else float(max(t for t, f in zip(THRESHOLDS, f1s) if f >= top - 0.005))
        scorer.thresholds_[level] = best[level]
    return best


def meta_plan(gold: pd.DataFrame, doc: str) -> str:
    return str(gold.loc[gold["doc"] == doc, "plan"].iloc[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=REPO / "training" / "speerpunten" / "work")
    parser.add_argument("--check", action="store_true", help="also score the frozen scorer on the check split")
    parser.add_argument("--errors", action="store_true", help="print the plans the leave-one-plan-out decision gets wrong")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "ivpcorpus" / SCORER_PATH)
    parser.add_argument("--corrections", type=Path, action="append", default=[], metavar="OUT_DIR",
                        help="a run whose reviewed speerpunten (OUT_DIR/review/speerpunt_corrections.csv) train too")
    args = parser.parse_args()
    gold, documents, blocks = material(args.work)
    if args.corrections:
        review_gold, review_documents, review_blocks = review_material(args.corrections, set(documents["doc_id"]))
        print(f"reviewed plans from {len(args.corrections)} run(s): {review_gold['doc'].nunique()}", file=sys.stderr)
        if len(review_gold):
            gold = pd.concat([gold, review_gold], ignore_index=True)
            documents = pd.concat([documents, review_documents], ignore_index=True)
            blocks = pd.concat([blocks, review_blocks], ignore_index=True)
    rows, plans = list_rows(gold, documents, blocks)
    table = pd.DataFrame(rows)
    names = [c for c in table.columns if c not in ("doc", "list", "plan", "split", "label")]
    train = table[table["split"].isin(["tune", "demo", "review"])]
    print(f"candidate lists: {len(table)} ({int(table['label'].sum())} positive); training on {len(train)} "
          f"from {train['plan'].nunique()} plans", file=sys.stderr)

    # leave one tune plan out: every tune list scored by a scorer that never saw its plan
    tune_docs = sorted(gold.loc[gold["split"] == "tune", "doc"].unique())
    oof = {}
    for plan_id in sorted(train.loc[train["split"] == "tune", "plan"].unique()):
        held = train["plan"] == plan_id
        scorer = fit(train[~held], names)
        for row, p in zip(train[held].itertuples(), scorer.score(train[held][names].to_dict("records"))):
            oof[(row.doc, row.list)] = float(p)
    demo_scores = {(r.doc, r.list): 0.0 for r in table.itertuples() if (r.doc, r.list) not in oof}
    final = fit(train, names)
    thresholds = choose_thresholds(plans, tune_docs, {**demo_scores, **oof}, final, gold)
    lopo = evaluation.score_by_split(items_of(plans, tune_docs, {**demo_scores, **oof}, final).assign(),
                                     gold[gold["doc"].isin(tune_docs)])
    print("leave-one-plan-out on tune (thresholds " + ", ".join(f"{k} {v:.2f}" for k, v in thresholds.items()) + "):")
    print(evaluation.report_by_split(lopo))
    lopo_items = items_of(plans, tune_docs, {**demo_scores, **oof}, final)
    print(evaluation.report_without_priorities(evaluation.without_priorities(lopo_items, gold[gold["doc"].isin(tune_docs)])))
    if args.errors:
        per_doc = evaluation.score(lopo_items, gold[gold["doc"].isin(tune_docs)]).per_document
        for row in per_doc[per_doc["f1"] < 1].itertuples():
            found = lopo_items.loc[(lopo_items["source_file"] == row.doc) & (lopo_items["level"] == row.level), "text"]
            expected = gold.loc[(gold["doc"] == row.doc) & (gold["level"] == row.level), "text"]
            print(f"  {row.doc} ({meta_plan(gold, row.doc)}) {row.level}: found {list(found)} gold {list(expected)}")

    final.thresholds_ = thresholds
    final.provenance_ = {"trained": datetime.date.today().isoformat(), "tune_plans": int(train.loc[train["split"] == "tune", "plan"].nunique()),
                         "demo_plans": int(train.loc[train["split"] == "demo", "plan"].nunique()),
                         "reviewed_plans": int(train.loc[train["split"] == "review", "plan"].nunique()),
                         "lists": int(len(train)), "positive_lists": int(train["label"].sum()), "demo_weight": DEMO_WEIGHT}
    args.out.write_text(final.to_json() + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    print("coefficients (standardised):")
    for name, c in sorted(zip(names, final.coef_), key=lambda x: -abs(x[1]))[:15]:
        print(f"  {name:<28} {c:+.2f}")

    finder = Finder(scorer=final)
    items = find_speerpunten(documents, blocks, finder).items
    splits = ["tune", "check"] if args.check else ["tune"]
    print("frozen scorer (fitted on all tune + demo):")
    print(evaluation.report_by_split(evaluation.score_by_split(items, gold[gold["split"].isin(splits)])))
    print(evaluation.report_without_priorities(evaluation.without_priorities(items, gold[gold["split"].isin(splits)])))
    print("per form of the chosen priority list (frozen scorer; plans, found, matched, precision):")
    print(per_form(finder, plans, items, gold[gold["split"].isin(splits)]).to_string(index=False))


def per_form(finder: Finder, plans: dict, items: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Which form stated each plan's chosen priorities, and how precise the items of each form are."""
    rows = []
    for doc in gold["doc"].drop_duplicates():
        plan, lists = plans[doc]
        score_lists(lists, plan, finder.scorer, finder.vocabulary)
        chosen = max((c for c in lists if c.level == PRIORITEIT and not c.review_only), key=lambda c: c.score,
                     default=None)
        if chosen is None or chosen.score < finder.scorer.thresholds_[PRIORITEIT]:
            continue
        found = items.loc[(items["source_file"] == doc) & (items["level"] == PRIORITEIT), "text"].tolist()
        expected = gold.loc[(gold["doc"] == doc) & (gold["level"] == PRIORITEIT), "text"].tolist()
        rows.append({"split": gold.loc[gold["doc"] == doc, "split"].iloc[0], "form": f"{chosen.form}/{chosen.cue}",
                     "found": len(found), "matched": evaluation.count_matches(found, expected)})
    table = pd.DataFrame(rows).groupby(["split", "form"]).agg(plans=("found", "size"), found=("found", "sum"),
                                                             matched=("matched", "sum")).reset_index()
    return table.assign(precision=(table["matched"] / table["found"]).round(2))


if __name__ == "__main__":
    main()
