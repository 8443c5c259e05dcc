"""The one-shot pipeline behind `ivpcorpus run`: it wires the stages, caches, writes the store.

The stage modules are pure functions over tables; this module is where the I/O happens:
reading the manifest, the per-document cache, writing Parquet/DuckDB and the CSV/report
files in OUT_DIR. Each stage is a function `(RunContext) -> None` listed in `STAGES`, run in
order; a later stage plugs in by adding its function to that list.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ivpcorpus.errors import InputError
from ivpcorpus import analyse, extract
from ivpcorpus.codebook import load_codebook
from ivpcorpus.synthetic import GROUND_TRUTH
from ivpcorpus.manifest import find_documents, read_manifest, scan
from ivpcorpus.registry import Registry, load_registry
from ivpcorpus.schemas import SCHEMAS, empty, validate
from ivpcorpus.speerpunten import find_speerpunten
from ivpcorpus.store import Store, atomic_write_csv, atomic_write_text, locked
from ivpcorpus.topics import stage_topics

MANIFEST_NAME = "manifest.csv"
DOCUMENTS_CSV_COLUMNS = ["source_file", "doc_id", "status", "pages", "ocr_pages", "reason",
                         "municipalities", "municipality_names", "period", "title", "path"]


@dataclass
class RunOptions:
    corpus_dir: Path
    out_dir: Path
    workers: int = 2
    manifest: Path | None = None  # default: CORPUS_DIR/manifest.csv when it exists, else scan
    groups_csv: Path | None = None  # the user's own G4/G40/P10 assignment
    timeout_s: float = 120.0
    memory_mb: int = 3072
    progress: bool = True
    wait_for_lock: bool = True  # another run on OUT_DIR: wait for it (else stop with an InputError)
    scheduler: str | None = None  # a Dask scheduler address: per-document stages and embedding run there


@dataclass
class RunContext:
    options: RunOptions
    store: Store
    registry: Registry
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    ignored_files: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    cluster: object | None = None  # a dask.distributed Client when RunOptions.scheduler is set
    reused_stages: list[str] = field(default_factory=list)

    def progress(self, iterable, **kwargs):
        return tqdm(iterable, disable=not self.options.progress, **kwargs)


# -- stages ----------------------------------------------------------------------------------
def stage_manifest(ctx: RunContext) -> None:
    """Use the user's manifest when there is one (their edits win); scan otherwise."""
    corpus = ctx.options.corpus_dir
    user_manifest = ctx.options.manifest or corpus / MANIFEST_NAME
    existing = read_manifest(user_manifest) if user_manifest.exists() else None
    documents = set(find_documents(corpus))
    ctx.ignored_files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                               if p.is_file() and p not in documents and p.name != MANIFEST_NAME
                               and not p.name.startswith("."))
    manifest = scan(corpus, ctx.registry, existing,
                    progress=lambda files: ctx.progress(files, desc="scannen", unit="doc"))
    atomic_write_csv(ctx.options.out_dir / MANIFEST_NAME, manifest)
    ctx.tables["manifest"] = manifest


def stage_extract(ctx: RunContext) -> None:
    """Extract every document once: results are cached per content hash and extractor version."""
    manifest = ctx.tables["manifest"]
    corpus = ctx.options.corpus_dir
    results: dict[str, dict[str, pd.DataFrame]] = {}
    todo = []
    for row in manifest.itertuples():
        cached = ctx.store.cache_get("extract", _extract_key(row.doc_id))
        if cached is not None:
            results[row.doc_id] = cached
            ctx.cache_hits += 1
        else:
            todo.append((row.doc_id, corpus / row.path))
    if ctx.cluster is not None:
        from ivpcorpus import cluster

        extracted = cluster.extract_many(ctx.cluster, todo, timeout_s=ctx.options.timeout_s,
                                         memory_mb=ctx.options.memory_mb, progress=ctx.options.progress)
    else:
        extracted = extract.extract_many(todo, workers=ctx.options.workers, timeout_s=ctx.options.timeout_s,
                                         memory_mb=ctx.options.memory_mb, progress=ctx.options.progress)
    for result in extracted:
        tables = {
            "pages": result.pages, "blocks": result.blocks, "errors": result.errors,
            "status": pd.DataFrame([{"status": result.status, "reason": result.reason,
                                     "n_pages": result.n_pages, "title": result.title or ""}]),
        }
        ctx.store.cache_put("extract", _extract_key(result.doc_id), tables)
        results[result.doc_id] = tables

    ctx.tables["documents"] = _documents_table(manifest, results)
    in_manifest_order = [results[doc_id] for doc_id in manifest["doc_id"]]  # not the order workers finished
    for name in ("pages", "blocks", "errors"):
        parts = [r[name] for r in in_manifest_order if not r[name].empty]
        ctx.tables[name] = validate(name, pd.concat(parts, ignore_index=True) if parts else empty(name))
    ctx.tables["errors"] = _with_source_files(ctx.tables["errors"], ctx.tables["documents"])
    atomic_write_csv(ctx.options.out_dir / "documents.csv", ctx.tables["documents"][DOCUMENTS_CSV_COLUMNS])


def _extract_key(doc_id: str) -> str:
    return f"{doc_id}-{extract.EXTRACTOR_VERSION}"


def stage_speerpunten(ctx: RunContext) -> None:
    """Each plan's priorities and second tier, with page, quote and confidence; a finding per document."""
    from ivpcorpus.review import load_speerpunt_corrections
    from ivpcorpus.speerpunten.corrections import apply_speerpunt_corrections

    if ctx.cluster is not None:
        from ivpcorpus import cluster

        result = cluster.find_speerpunten(ctx.cluster, ctx.tables["documents"], ctx.tables["blocks"])
    else:
        result = find_speerpunten(ctx.tables["documents"], ctx.tables["blocks"])
    corrections = load_speerpunt_corrections(ctx.options.out_dir)
    items, findings = apply_speerpunt_corrections(result.items, result.findings, ctx.tables["documents"], corrections)
    ctx.tables["speerpunten"] = items
    ctx.tables["speerpunt_findings"] = findings
    ctx.tables["speerpunt_candidates"] = result.to_review
    if len(corrections):
        ctx.tables["speerpunt_corrections"] = corrections
    atomic_write_csv(ctx.options.out_dir / "speerpunten.csv", items)


def stage_classify(ctx: RunContext) -> None:
    """Codebook labels for every speerpunt; reviewed corrections (OUT_DIR/review) override the model
    and are training data, so a re-run never undoes a review."""
    from ivpcorpus.classify import default_classifier, label_speerpunten
    from ivpcorpus.review import load_corrections

    corrections = load_corrections(ctx.options.out_dir)
    labelled = label_speerpunten(ctx.tables["speerpunten"], default_classifier(corrections), corrections)
    ctx.tables["speerpunten"] = labelled
    if len(corrections):
        ctx.tables["corrections"] = corrections
    atomic_write_csv(ctx.options.out_dir / "speerpunten.csv", labelled)


def _documents_table(manifest: pd.DataFrame, results: dict[str, dict[str, pd.DataFrame]]) -> pd.DataFrame:
    rows = []
    for row in manifest.to_dict("records"):
        status = results[row["doc_id"]]["status"].iloc[0]
        # The worse of the manifest's finding (unknown gemeente/period) and the extraction's.
        order = {"ok": 0, "warning": 1, "error": 2}
        worst = max(row["status"], status["status"], key=order.__getitem__)
        # A file the preview could not open fails extraction too; its reason is said once.
        manifest_reason = "" if row["status"] == "error" and status["reason"] else row["reason"]
        reasons = [r for r in (status["reason"], manifest_reason) if r]
        rows.append({
            **row, "source_file": Path(row["path"]).name, "status": worst, "reason": "; ".join(reasons),
            "pages": int(status["n_pages"]) or int(row["pages"]),
            "title": row["title"] or status["title"],
            "ocr_pages": extract.ocr_page_count(results[row["doc_id"]]["blocks"]),
        })
    columns = list(SCHEMAS["documents"]) + ["municipality_names", "evidence"]
    documents = pd.DataFrame(rows, columns=columns) if rows else empty("documents")
    documents["pages"] = documents["pages"].astype(int)
    return validate("documents", documents)


def _with_source_files(errors: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    names = dict(zip(documents["doc_id"], documents["source_file"]))
    errors = errors.copy()
    errors["source_file"] = [names.get(d, s) for d, s in zip(errors["doc_id"], errors["source_file"])]
    return errors


def stage_analyse(ctx: RunContext) -> None:
    """National, group and alignment tables (analysis_*); needs speerpunten with codebook labels.
    The measured accuracy shipped in the package (data/evaluation.json) goes into analysis_reliability."""
    from ivpcorpus.evaluation import load_evaluation

    synthetic = ((ctx.options.corpus_dir / GROUND_TRUTH).exists()
                 or analyse.carries_synthetic_marker(ctx.tables["pages"]))
    ctx.tables.update(analyse.analyse(
        ctx.tables["documents"], ctx.tables["speerpunten"], ctx.tables["blocks"], ctx.tables["errors"],
        ctx.registry, load_codebook(), synthetic=synthetic, findings=ctx.tables.get("speerpunt_findings"),
        evaluation=load_evaluation()))


def stage_report(ctx: RunContext) -> None:
    """report.html, report.pdf and report.xlsx in OUT_DIR (`ivpcorpus report` rewrites them from the store)."""
    from ivpcorpus.report import is_synthetic, write_report  # WeasyPrint/Jinja only when a report is made

    write_report(ctx.tables, ctx.options.out_dir, synthetic=is_synthetic(ctx.tables))


Stage = Callable[[RunContext], None]


def reused_when_unchanged(stage: Stage, *, files: tuple[str, ...]) -> Stage:
    """Skip an expensive whole-corpus stage when nothing it depends on changed.

    The fingerprint covers every table the stage can see, the registry's groups and the
    package's code; the tables the stage added last time are read back from the store, and
    its files in OUT_DIR must still be there. Anything else reruns the stage.
    """
    def run_or_reuse(ctx: RunContext) -> None:
        memo_path = ctx.store.cache_dir / "stages" / f"{stage.__name__}.json"
        fingerprint = _fingerprint(ctx)
        if memo_path.exists():
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
            if (memo["fingerprint"] == fingerprint and all(ctx.store.has(t) for t in memo["tables"])
                    and all((ctx.options.out_dir / f).exists() for f in files)):
                ctx.tables.update({t: ctx.store.read(t) for t in memo["tables"]})
                ctx.reused_stages.append(stage.__name__)
                return
        before = set(ctx.tables)
        stage(ctx)
        added = sorted(set(ctx.tables) - before)
        for name in added:  # in the store before the memo, so a reused stage always finds them
            ctx.store.write(name, ctx.tables[name])
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo_path, json.dumps({"fingerprint": fingerprint, "tables": added}))

    run_or_reuse.__name__ = stage.__name__
    run_or_reuse.__doc__ = stage.__doc__
    return run_or_reuse


def _fingerprint(ctx: RunContext) -> str:
    digest = hashlib.sha256(_code_version().encode())
    digest.update(pd.util.hash_pandas_object(ctx.registry.municipalities["group"]).values.tobytes())
    for name in sorted(ctx.tables):
        table = ctx.tables[name]
        digest.update(name.encode())
        digest.update(",".join(map(str, table.columns)).encode())
        digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).values.tobytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the package's code and data, so a changed stage never reuses stale results."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".csv", ".j2", ".css", ".json"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()


STAGES: list[tuple[str, Stage]] = [
    ("manifest", stage_manifest),
    ("extract", stage_extract),
    ("speerpunten", stage_speerpunten),
    ("classify", stage_classify),
    ("analyse", stage_analyse),
    # topics come before the report, which shows the topic tables
    ("topics", reused_when_unchanged(stage_topics, files=("topics.csv",))),
    ("report", reused_when_unchanged(stage_report, files=("report.html", "report.pdf", "report.xlsx"))),
]


def check_options(options: RunOptions) -> None:
    """Clear errors, before anything is written, for a corpus folder without documents and an
    OUT_DIR that cannot be a writable folder."""
    corpus = Path(options.corpus_dir)
    if not corpus.is_dir():
        raise InputError(f"{corpus}: geen map; geef de map met de IVP-documenten op")
    documents = [p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in extract.DOCUMENT_SUFFIXES]
    if not documents:
        others = sorted(p.name for p in corpus.rglob("*") if p.is_file() and p.name != "manifest.csv")
        raise InputError(f"{corpus}: geen documenten (PDF, HTML of DOCX) gevonden"
                         + (f"; wel {len(others)} ander(e) bestand(en): {', '.join(others[:5])}" if others else "; de map is leeg"))
    out = Path(options.out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: dit is een bestand, geen map; kies een (nieuwe) map voor de resultaten")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".ivpcorpus-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise InputError(f"--out {out}: geen schrijfbare map ({error.strerror or type(error).__name__})") from None


def run(options: RunOptions) -> RunContext:
    """Run every stage on a corpus folder and publish the store in OUT_DIR."""
    check_options(options)
    registry = load_registry()
    if options.groups_csv:
        registry = registry.with_groups(options.groups_csv)
    ctx = RunContext(options=options, store=Store(options.out_dir), registry=registry)
    if options.scheduler:
        from ivpcorpus import cluster

        ctx.cluster = cluster.connect(options.scheduler)
    try:
        with locked(options.out_dir, wait=options.wait_for_lock,
                    on_wait=lambda: print(f"{options.out_dir}: een andere run schrijft in deze map; wachten tot die "
                                          "klaar is", file=sys.stderr, flush=True)):
            for name, stage in STAGES:
                started = time.perf_counter()
                stage(ctx)
                ctx.timings[name] = time.perf_counter() - started
            for name, table in ctx.tables.items():
                ctx.store.write(name, table)
            ctx.store.publish()
    finally:
        if ctx.cluster is not None:
            ctx.cluster.close()
    return ctx
