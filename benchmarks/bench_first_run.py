"""The demo corpus's first run per stage next to plain pdfplumber `extract_text`, in one run.

    .venv/bin/python benchmarks/bench_first_run.py [CORPUS_DIR] [--work DIR] [--compare SRC]

Issue 15's target: the whole first run within 2x plain pdfplumber `extract_text` on the same
PDFs (one process, every page of every PDF of the corpus; timed before and after the runs, and
the runs are compared with the mean). Each pipeline run is a fresh
`ivpcorpus run` process, so imports and numba's compilation count as they do for a user:

1. first run, new machine: an empty OUT_DIR and empty machine caches (numba's compiled UMAP
   and pynndescent code, the trained classifier in the user cache), as right after install;
2. first run: a new, empty OUT_DIR on a machine where ivpcorpus ran before (what adding a
   corpus costs);
3. re-run: the same corpus and OUT_DIR as 2 again (should take seconds).

`--compare SRC` times another checkout's code the same way, in the same run (before/after); the
variants take turns run by run.
The machine caches go to WORK/<variant>/machine-cache (NUMBA_CACHE_DIR and IVPCORPUS_CACHE_DIR), so
the user's own caches are neither used nor touched. "startup" is the process's time before the
pipeline starts (imports), "store" its time after the stages (Parquet, DuckDB). The machine is
shared, so only the figures of one run are comparable with each other.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

REFERENCE_RATIO = 2.0  # issue 15: a first run within 2x plain pdfplumber


# Steps inside the stages that are timed too: (module, function, label). The stages look these
# functions up in their modules when they run, so wrapping the module attribute times each call.
STEPS = [
    ("ivpcorpus.classify", "default_classifier", "classify: training"),
    ("ivpcorpus.topics.embedding", "cached_passage_embeddings", "topics: embedding"),
    ("ivpcorpus.topics", "lemma_texts", "topics: lemmas"),
    ("ivpcorpus.topics.model", "fit_topics", "topics: fit"),
    ("ivpcorpus.topics", "write_topic_outputs", "topics: save"),
    ("ivpcorpus.report", "write_pdf", "report: PDF"),
]


def child(corpus: Path, out: Path, result: Path) -> None:
    """One `ivpcorpus run` as the CLI does it, writing its stage and step times to `result`."""
    import importlib

    from ivpcorpus import pipeline

    steps: dict[str, float] = {}

    def timed(function, label):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - started
        return wrapper

    def with_steps(stage):
        # The modules are imported when their stage starts, as in a plain run (importing UMAP
        # before the pipeline would move its compilation into the startup).
        def run_stage(ctx):
            for module_name, name, label in STEPS:
                if label.startswith(stage.name + ":"):
                    module = importlib.import_module(module_name)
                    setattr(module, name, timed(getattr(module, name), label))
            stage.run(ctx)
        return run_stage

    pipeline.STAGES = [replace(stage, run=with_steps(stage)) for stage in pipeline.STAGES]
    started = time.perf_counter()
    ctx = pipeline.run(pipeline.RunOptions(corpus_dir=corpus, out_dir=out, workers=2, progress=False))
    total = time.perf_counter() - started
    result.write_text(json.dumps({"stages": ctx.timings, "steps": steps, "pipeline": total,
                                  "reused": ctx.reused_stages, "cache_hits": ctx.cache_hits}), encoding="utf-8")


def timed_run(corpus: Path, out: Path, caches: Path, src: Path | None = None) -> dict:
    result = out.parent / f"{out.name}.json"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(caches / "numba"), "IVPCORPUS_CACHE_DIR": str(caches / "ivpcorpus")}
    if src is not None:  # another checkout's code (--compare)
        env["PYTHONPATH"] = os.pathsep.join([str(src.resolve()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", str(corpus), str(out), str(result)], env=env, check=True)
    wall = time.perf_counter() - started
    run = json.loads(result.read_text(encoding="utf-8"))
    run["wall"] = wall
    run["startup"] = wall - run["pipeline"]
    run["store"] = run["pipeline"] - sum(run["stages"].values())
    return run


RUNS = {"new machine": "out-new-machine", "first run": "out", "re-run": "out"}


def interleaved_runs(corpus: Path, variants: dict[str, tuple[Path, Path | None]]) -> dict[str, dict[str, dict]]:
    """The three runs for every variant (label -> (work folder, src)), taking turns run by run,
    so a change in the machine's other load falls on all variants alike."""
    results: dict[str, dict[str, dict]] = {label: {} for label in variants}
    for run, folder in RUNS.items():
        for label, (work, src) in variants.items():
            results[label][run] = timed_run(corpus, work / folder, work / "machine-cache", src)
    return results


def pdfplumber_seconds(paths: list[Path]) -> tuple[float, int]:
    import pdfplumber

    pages, started = 0, time.perf_counter()
    for path in paths:
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    pages += 1
        except Exception:  # the demo's damaged PDF: pdfplumber cannot read it either
            continue
    return time.perf_counter() - started, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("corpus/demo"))
    parser.add_argument("--work", type=Path, default=Path("benchmarks/work/first_run"))
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also time the code in SRC (e.g. another checkout's src/) in the same run")
    parser.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from ivpcorpus.pipeline import STAGE_NAMES

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    pdfs = sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() == ".pdf")
    before, pages = pdfplumber_seconds(pdfs)
    choices = {"this code": (args.work / "this", None)}
    if args.compare:
        choices[f"{args.compare}"] = (args.work / "compare", args.compare)
    variants = interleaved_runs(args.corpus, choices)
    after, _ = pdfplumber_seconds(pdfs)
    # The other load on a shared machine changes within minutes: pdfplumber is timed before and
    # after the runs, and the runs are compared with the mean of the two.
    plumber = (before + after) / 2
    print(f"pdfplumber extract_text: {plumber:.1f} s for {pages} pages of {len(pdfs)} PDFs, one process "
          f"(mean of {before:.1f} s before and {after:.1f} s after the runs)")

    for label, runs in variants.items():
        print(f"\n{label}\n{'seconds':<24}" + "".join(f"{name:>13}" for name in runs))
        for name in ("startup", *STAGE_NAMES, "store"):
            print(f"{name:<24}" + "".join(f"{run['stages'].get(name, run.get(name, 0.0)):>13.1f}" for run in runs.values()))
        print(f"{'total':<24}" + "".join(f"{run['wall']:>13.1f}" for run in runs.values()))
        print(f"{'/ pdfplumber':<24}" + "".join(f"{run['wall'] / plumber:>12.2f}x" for run in runs.values()))
        print("of which")
        for _, _, step in STEPS:
            print(f"{'  ' + step:<24}" + "".join(f"{run['steps'].get(step, 0.0):>13.1f}" for run in runs.values()))
    for label, runs in variants.items():
        print(f"\n{label}: first run / pdfplumber {runs['first run']['wall'] / plumber:.2f}x "
              f"(new machine {runs['new machine']['wall'] / plumber:.2f}x; reference: at most {REFERENCE_RATIO:.1f}x); "
              f"re-run {runs['re-run']['wall']:.1f} s (reused: {', '.join(runs['re-run']['reused']) or 'nothing'})")


if __name__ == "__main__":
    main()
