"""The one orchestration behind every command: it wires the stages, caches and writes the store.

The stage modules are pure functions over tables; this module is where the I/O happens:
loading the reference data once (`Reference`), reading the manifest and the review
corrections, the per-document cache, writing Parquet/DuckDB and the CSV/report files in
OUT_DIR (names in `catalog`). Each stage is a function `(RunContext) -> None` listed in
`STAGES`, run in order. `run(options)` runs them all; `run(options, only=[...])` runs the named
ones on the tables an earlier run stored (`ivpcorpus run --only`, `ivpcorpus topics`,
`ivpcorpus report`).

A document that makes a per-document stage fail becomes a row of the `errors` table (doc_id,
stage, reason) and the run goes on; the report lists these rows.

On a machine where ivpcorpus never ran, background processes train the classifier and compile
UMAP while the corpus is read (`ivpcorpus.warmup`); the classify and topics stages wait for
them and find their caches filled.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ivpcorpus import analyse, catalog, extract, warmup
from ivpcorpus.catalog import empty, validate
from ivpcorpus.codebook import Codebook, load_ccv_2020_shares, load_codebook
from ivpcorpus.errors import InputError, per_document
from ivpcorpus.manifest import find_documents, rescan
from ivpcorpus.registry import Registry, load_registry
from ivpcorpus.speerpunten import find_speerpunten
from ivpcorpus.store import Store, atomic_write_csv, atomic_write_text, locked
from ivpcorpus.synthetic import GROUND_TRUTH

DOCUMENTS_CSV_COLUMNS = ["source_file", "doc_id", "status", "pages", "ocr_pages", "reason",
                         "municipalities", "municipality_names", "period", "title", "path"]


@dataclass
class RunOptions:
    corpus_dir: Path | None  # None only for stages that read an earlier run's store (run(..., only=...))
    out_dir: Path
    workers: int = 2
    manifest: Path | None = None  # default: CORPUS_DIR/manifest.csv when it exists, else scan
    groups_csv: Path | None = None  # the user's own G4/G40/P10 assignment
    timeout_s: float = 120.0
    memory_mb: int = 3072
    progress: bool = True
    wait_for_lock: bool = True  # another run on OUT_DIR: wait for it (else stop with an InputError)
    scheduler: str | None = None  # a Dask scheduler address: per-document stages and embedding run there
    embedder: str | None = None  # topics: an embedder name of topics.embedding.EMBEDDERS (None: the default)
    pdf: bool = True  # report: also write report.pdf


@dataclass(frozen=True)
class Reference:
    """What the stages know besides the corpus, loaded once per run and passed in."""
    registry: Registry
    codebook: Codebook
    ccv_2020: dict[str, float]  # the CCV's 2020 shares by codebook id, to compare with
    evaluation: dict | None     # the measured accuracy shipped in the package (data/evaluation.json)


def load_reference(groups_csv: Path | None = None) -> Reference:
    """The package's reference data; `groups_csv` replaces the registry's G4/G40/P10 groups."""
    from ivpcorpus.evaluation import load_evaluation

    registry = load_registry()
    if groups_csv:
        registry = registry.with_groups(groups_csv)
    return Reference(registry, load_codebook(), load_ccv_2020_shares(), load_evaluation())


@dataclass
class RunContext:
    options: RunOptions
    store: Store
    reference: Reference
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    ignored_files: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    cluster: object | None = None  # a dask.distributed Client when RunOptions.scheduler is set
    reused_stages: list[str] = field(default_factory=list)
    corpus_has_ground_truth: bool = False  # a generated (synthetic) corpus: its generator left a ground truth
    warmup: warmup.Warmup = field(default_factory=warmup.Warmup)  # background jobs of this run (see ivpcorpus.warmup)

    @property
    def registry(self) -> Registry:
        return self.reference.registry

    def progress(self, iterable, **kwargs):
        return tqdm(iterable, disable=not self.options.progress, **kwargs)

    def set_errors(self, stage: str, errors: pd.DataFrame) -> None:
        """The error rows of one stage (replacing the ones it left in an earlier run)."""
        table = self.tables.get("errors", empty("errors"))
        names = dict(zip(self.tables["documents"]["doc_id"], self.tables["documents"]["source_file"])) \
            if "documents" in self.tables else {}
        errors = errors.assign(stage=stage, source_file=[names.get(d, s) for d, s in
                                                         zip(errors["doc_id"], errors.get("source_file", errors["doc_id"]))])
        kept = table[table["stage"] != stage]
        self.tables["errors"] = validate("errors", pd.concat([kept, errors[catalog.columns("errors")]],
                                                             ignore_index=True) if len(errors) else kept)


# -- stages ----------------------------------------------------------------------------------
def stage_manifest(ctx: RunContext) -> None:
    """Use the user's manifest when there is one (their edits win); scan otherwise."""
    corpus = ctx.options.corpus_dir
    documents = set(find_documents(corpus))
    ctx.ignored_files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*")
                               if p.is_file() and p not in documents and p.name != catalog.MANIFEST_CSV
                               and not p.name.startswith("."))
    manifest = rescan(corpus, ctx.registry, ctx.options.manifest or corpus / catalog.MANIFEST_CSV,
                      progress=lambda files: ctx.progress(files, desc="scannen", unit="doc"))
    atomic_write_csv(ctx.options.out_dir / catalog.MANIFEST_CSV, manifest)
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
    for name in ("pages", "blocks"):
        parts = [r[name] for r in in_manifest_order if not r[name].empty]
        ctx.tables[name] = validate(name, pd.concat(parts, ignore_index=True) if parts else empty(name))
    errors = [r["errors"] for r in in_manifest_order if not r["errors"].empty]
    ctx.set_errors("extract", pd.concat(errors, ignore_index=True) if errors else empty("errors"))
    atomic_write_csv(ctx.options.out_dir / catalog.DOCUMENTS_CSV, ctx.tables["documents"][DOCUMENTS_CSV_COLUMNS])


def _extract_key(doc_id: str) -> str:
    return f"{doc_id}-{extract.EXTRACTOR_VERSION}"


def stage_speerpunten(ctx: RunContext) -> None:
    """Each plan's priorities and second tier, with page, quote and confidence; a finding per
    document (a document that makes the finder fail: finding "fout" and an error row)."""
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
    failed = result.findings[result.findings["status"] == "fout"]
    ctx.set_errors("speerpunten", pd.DataFrame({"doc_id": failed["doc_id"], "reason": failed["finding"]}))
    atomic_write_csv(ctx.options.out_dir / catalog.SPEERPUNTEN_CSV, items)


def stage_classify(ctx: RunContext) -> None:
    """Codebook labels for every speerpunt, document by document (a document whose items make the
    classifier fail keeps them unlabelled, with an error row); reviewed corrections
    (OUT_DIR/review) override the model and are training data, so a re-run never undoes a review."""
    from ivpcorpus.classify import label_speerpunten
    from ivpcorpus.review import load_corrections

    corrections = load_corrections(ctx.options.out_dir)
    ctx.warmup.wait("classifier")
    classifier = trained_classifier(corrections)
    codebook = ctx.reference.codebook
    items = ctx.tables["speerpunten"]
    labelled, failures = per_document(items, lambda doc_items: label_speerpunten(doc_items, classifier, codebook,
                                                                                corrections))
    failed = items[items["doc_id"].isin(failures["doc_id"])]
    no_labels = {c: float("nan") if kind == "float" else "" for c, kind in catalog.LABEL_COLUMNS.items()}
    parts = [*labelled.values(), failed.drop(columns=[c for c in catalog.LABEL_COLUMNS if c in failed]).assign(**no_labels)]
    table = pd.concat([p for p in parts if len(p)], ignore_index=True) if len(items) else \
        empty("speerpunten", {**catalog.TABLES["speerpunten"].columns, **catalog.LABEL_COLUMNS})
    # in the finder's order, also when a document failed
    order = {item: i for i, item in enumerate(items["item_id"])}
    table = table.sort_values("item_id", key=lambda ids: ids.map(order), ignore_index=True)
    ctx.tables["speerpunten"] = validate("speerpunten", table)
    if len(corrections):
        ctx.tables["corrections"] = corrections
    ctx.set_errors("classify", failures)
    atomic_write_csv(ctx.options.out_dir / catalog.SPEERPUNTEN_CSV, ctx.tables["speerpunten"])


def trained_classifier(corrections: pd.DataFrame):
    """`classify.default_classifier(corrections)`, trained once per machine and kept in the user
    cache (`usercache`): training gives the same model every time and took about 9 s of every
    run. The key covers all the classifier is made from: the package's code and data (the
    classify package, its rules, seeds and gold items, the codebook), the corrections and the
    versions of the libraries whose objects the model holds, so any change trains again."""
    from ivpcorpus.classify import default_classifier
    from ivpcorpus.usercache import cached

    return cached("classifier", classifier_cache_key(corrections), lambda: default_classifier(corrections))


def classifier_cache_key(corrections: pd.DataFrame) -> str:
    """The user-cache key of `trained_classifier(corrections)`."""
    import joblib
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps([sys.version, sklearn.__version__, numpy.__version__, scipy.__version__,
                              joblib.__version__]).encode())
    digest.update(",".join(map(str, corrections.columns)).encode())
    digest.update(pd.util.hash_pandas_object(corrections.astype(str), index=False).values.tobytes())
    return digest.hexdigest()[:32]


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
    columns = catalog.columns("documents") + ["municipality_names", "evidence"]
    documents = pd.DataFrame(rows, columns=columns) if rows else empty("documents")
    documents["pages"] = documents["pages"].astype(int)
    return validate("documents", documents)


def stage_analyse(ctx: RunContext) -> None:
    """National, group and alignment tables (analysis_*); needs speerpunten with codebook labels.
    The measured accuracy shipped in the package goes into analysis_reliability."""
    synthetic = ctx.corpus_has_ground_truth or analyse.carries_synthetic_marker(ctx.tables["pages"])
    reference = ctx.reference
    ctx.tables.update(analyse.analyse(
        ctx.tables["documents"], ctx.tables["speerpunten"], ctx.tables["blocks"], ctx.tables["errors"],
        reference.registry, reference.codebook, synthetic=synthetic, findings=ctx.tables.get("speerpunt_findings"),
        evaluation=reference.evaluation, ccv_2020=reference.ccv_2020))


def stage_topics(ctx: RunContext) -> None:
    """Topic tables, topics.csv and the saved model in OUT_DIR. A document whose text cannot be
    cut into passages is an error row; when the topic model itself fails the run goes on with
    empty topic tables and one error row that says why."""
    from ivpcorpus.topics import topic_tables, write_topic_outputs

    try:
        tables, model, failures = topic_tables(
            ctx.tables["blocks"], ctx.tables["documents"], ctx.registry, ctx.reference.codebook, ctx.store,
            progress=lambda batches: ctx.progress(batches, desc="embedden", unit="batch"),
            embedder=ctx.options.embedder, cluster=ctx.cluster, before_fit=lambda: ctx.warmup.wait("umap"))
    except InputError:  # a wrong option (an unknown embedder) is the user's to fix, not a model failure
        raise
    except Exception as error:  # exploration must not cost a national run its figures
        tables, model = {name: empty(name) for name in ("topics", "topic_passages", "topic_share_by_group")}, None
        failures = pd.DataFrame([{"doc_id": "", "reason": f"onderwerpmodel mislukt: {type(error).__name__}: {error}"}])
    write_topic_outputs(ctx.options.out_dir, tables, model)
    ctx.tables.update(tables)
    ctx.set_errors("topics", failures)


def stage_report(ctx: RunContext) -> None:
    """report.html, report.pdf and report.xlsx in OUT_DIR."""
    from ivpcorpus.report import is_synthetic, write_report  # WeasyPrint/Jinja only when a report is made

    write_report(ctx.tables, ctx.options.out_dir, synthetic=is_synthetic(ctx.tables), pdf=ctx.options.pdf,
                 codebook=ctx.reference.codebook)


StageFunction = Callable[[RunContext], None]


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFunction
    needs: tuple[str, ...]     # the tables it reads
    produces: tuple[str, ...]  # the tables it adds or replaces (errors: only its own rows)
    # A whole-corpus stage that is skipped when nothing it sees changed (its files in OUT_DIR must exist).
    reuse_files: tuple[str, ...] = ()


def run_or_reuse(stage: Stage, ctx: RunContext) -> None:
    """Run the stage, or skip it when nothing it depends on changed.

    The fingerprint covers every table the stage can see, the registry's groups and the
    package's code; the tables the stage made last time (and its error rows) are read back from
    the store, and its files in OUT_DIR must still be there. Anything else reruns the stage.
    """
    memo_path = ctx.store.cache_dir / "stages" / f"{stage.name}.json"
    fingerprint = _fingerprint(ctx)
    if memo_path.exists():
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
        if (memo["fingerprint"] == fingerprint and all(ctx.store.has(t) for t in memo["tables"])
                and all((ctx.options.out_dir / f).exists() for f in stage.reuse_files)):
            ctx.tables.update({t: ctx.store.read(t) for t in memo["tables"]})
            ctx.set_errors(stage.name, pd.DataFrame(memo["errors"], columns=["doc_id", "reason"]))
            ctx.reused_stages.append(stage.name)
            return
    stage.run(ctx)
    made = sorted(n for n in stage.produces if n != "errors" and n in ctx.tables)
    for name in made:  # in the store before the memo, so a reused stage always finds them
        ctx.store.write(name, ctx.tables[name])
    errors = ctx.tables.get("errors", empty("errors"))
    mine = errors[errors["stage"] == stage.name][["doc_id", "reason"]].to_dict("records")
    memo_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(memo_path, json.dumps({"fingerprint": fingerprint, "tables": made, "errors": mine}))


def _fingerprint(ctx: RunContext) -> str:
    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps([ctx.options.embedder, ctx.options.pdf]).encode())
    digest.update(pd.util.hash_pandas_object(ctx.registry.municipalities["group"]).values.tobytes())
    for name in sorted(ctx.tables):
        table = ctx.tables[name]
        digest.update(name.encode())
        digest.update(",".join(map(str, table.columns)).encode())
        digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).values.tobytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the package's code and data, so a changed stage never reuses stale results."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".yaml", ".csv", ".j2", ".css", ".json"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()


STAGES: list[Stage] = [
    Stage("manifest", stage_manifest, (), ("manifest",)),
    Stage("extract", stage_extract, ("manifest",), ("documents", "pages", "blocks", "errors")),
    Stage("speerpunten", stage_speerpunten, ("documents", "blocks"),
          ("speerpunten", "speerpunt_findings", "speerpunt_candidates", "speerpunt_corrections", "errors")),
    Stage("classify", stage_classify, ("speerpunten",), ("speerpunten", "corrections", "errors")),
    Stage("analyse", stage_analyse, ("documents", "pages", "blocks", "speerpunten", "speerpunt_findings"),
          catalog.ANALYSIS_TABLES),
    # topics come before the report, which shows the topic tables
    Stage("topics", stage_topics, ("blocks", "documents"), ("topics", "topic_passages", "topic_share_by_group", "errors"),
          reuse_files=(catalog.TOPICS_CSV,)),
    Stage("report", stage_report, ("documents", "speerpunten", *catalog.ANALYSIS_TABLES), (),
          reuse_files=tuple(catalog.REPORT_FILES.values())),
]
STAGE_NAMES = tuple(stage.name for stage in STAGES)
# Stages that read the corpus folder itself (the others work on the store).
CORPUS_STAGES = ("manifest", "extract")


def check_options(options: RunOptions, stages: list[str]) -> None:
    """Clear errors, before anything is written, for a corpus folder without documents and an
    OUT_DIR that cannot be a writable folder."""
    if set(stages) & set(CORPUS_STAGES):
        if options.corpus_dir is None:
            raise InputError("geef de map met de IVP-documenten op")
        corpus = Path(options.corpus_dir)
        if not corpus.is_dir():
            raise InputError(f"{corpus}: geen map; geef de map met de IVP-documenten op")
        documents = [p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in extract.DOCUMENT_SUFFIXES]
        if not documents:
            others = sorted(p.name for p in corpus.rglob("*") if p.is_file() and p.name != catalog.MANIFEST_CSV)
            raise InputError(f"{corpus}: geen documenten (PDF, HTML of DOCX) gevonden"
                             + (f"; wel {len(others)} ander(e) bestand(en): {', '.join(others[:5])}" if others
                                else "; de map is leeg"))
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


def selected_stages(only: Iterable[str] | None) -> list[str]:
    """The stage names to run, in pipeline order (all of them when `only` is None)."""
    if only is None:
        return list(STAGE_NAMES)
    chosen = [name.strip() for name in only if name.strip()]
    unknown = sorted(set(chosen) - set(STAGE_NAMES))
    if unknown or not chosen:
        raise InputError(f"--only: onbekende stap(pen) {unknown or chosen}; kies uit {', '.join(STAGE_NAMES)}")
    return [name for name in STAGE_NAMES if name in chosen]


def _stored_inputs(ctx: RunContext, chosen: list[str]) -> None:
    """The tables of the stages that do not run, from the store of an earlier run. A table a
    chosen stage needs that neither the store nor an earlier chosen stage has is a clear error."""
    made = set()
    for stage in STAGES:
        if stage.name not in chosen:
            continue
        missing = [t for t in stage.needs if t not in made and not ctx.store.has(t)]
        if missing:
            makers = [s.name for s in STAGES if set(missing) & set(s.produces)]
            raise InputError(f"{ctx.options.out_dir}: de stap '{makers[0]}' heeft hier nog niet gedraaid (tabel(len) "
                             f"{', '.join(missing)} ontbreken, nodig voor '{stage.name}'); draai eerst "
                             f"`ivpcorpus run CORPUS_DIR --out {ctx.options.out_dir}`")
        made |= set(stage.produces)
    for stage in STAGES:
        if stage.name not in chosen:
            ctx.tables.update({t: ctx.store.read(t) for t in stage.produces if t != "errors" and ctx.store.has(t)})
    ctx.tables["errors"] = ctx.store.read("errors") if ctx.store.has("errors") else empty("errors")


def run(options: RunOptions, only: Iterable[str] | None = None) -> RunContext:
    """Run the stages (all, or the ones named in `only` on the store of an earlier run) and
    publish the store in OUT_DIR. A stage named in `only` always runs (it is never reused)."""
    chosen = selected_stages(only)
    check_options(options, chosen)
    corpus = options.corpus_dir
    ctx = RunContext(options=options, store=Store(options.out_dir), reference=load_reference(options.groups_csv),
                     corpus_has_ground_truth=corpus is not None and (Path(corpus) / GROUND_TRUTH).exists())
    if options.scheduler:
        from ivpcorpus import cluster

        ctx.cluster = cluster.connect(options.scheduler)
    try:
        with locked(options.out_dir, wait=options.wait_for_lock,
                    on_wait=lambda: print(f"{options.out_dir}: een andere run schrijft in deze map; wachten tot die "
                                          "klaar is", file=sys.stderr, flush=True)):
            if only is not None:
                _stored_inputs(ctx, chosen)
            ctx.warmup = warmup.start(warmup_jobs(ctx, chosen), options.out_dir)
            for stage in STAGES:
                if stage.name not in chosen:
                    continue
                started = time.perf_counter()
                if stage.reuse_files and only is None:
                    run_or_reuse(stage, ctx)
                else:
                    stage.run(ctx)
                ctx.timings[stage.name] = time.perf_counter() - started
            for name, table in ctx.tables.items():
                ctx.store.write(name, table)
            ctx.store.publish()
    finally:
        ctx.warmup.stop()
        if ctx.cluster is not None:
            ctx.cluster.close()
    return ctx


def warmup_jobs(ctx: RunContext, chosen: list[str]) -> list[str]:
    """The warm-ups (`ivpcorpus.warmup`) worth starting for these stages: training the classifier
    when the user cache does not have it yet, compiling UMAP when topics may be fitted and no
    earlier job compiled it for this software. None on a single core, where they would only
    take turns with the run itself."""
    from ivpcorpus.review import load_corrections
    from ivpcorpus.usercache import entry_path

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2:
        return []
    jobs = []
    if "classify" in chosen and not entry_path("classifier", classifier_cache_key(load_corrections(ctx.options.out_dir))).exists():
        jobs.append("classifier")
    if "topics" in chosen and not entry_path(warmup.UMAP_MARKER, warmup.umap_marker_key()).exists():
        jobs.append("umap")
    return jobs
