"""A national-size run: a synthetic corpus of about 340 plans and 14,000 pages, time and peak
memory per stage, next to plain pdfplumber `extract_text` on the same PDFs.

    .venv/bin/python benchmarks/bench_national.py [--plans 340] [--pages-per-plan 41] [--work DIR]

The plans come from the demo generator (seeded; every plan's own chapters), each lengthened with
appendix chapters of the generator's own prose (wijkanalyses, as real plans carry) to the
national average of about 41 pages; they are written into WORK/corpus once (not committed) and
reused. The run starts from an empty OUT_DIR (a first run), then runs again on the unchanged
corpus. Peak memory is the resident set of the process and its children together, sampled
every 0.2 s. pdfplumber reads every `--sample`-th PDF and is scaled to all pages.
"""

from __future__ import annotations

import argparse
import random
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import psutil

from ivpcorpus import pipeline
from ivpcorpus.codebook import load_codebook
from ivpcorpus.demo.compose import PlanComposer
from ivpcorpus.demo.model import Chapter, Heading, Paragraph, load_phrase_bank
from ivpcorpus.demo.render_html import render_weasyprint
from ivpcorpus.demo.render_reportlab import render_reportlab
from ivpcorpus.demo.roster import build_roster
from ivpcorpus.registry import load_registry

REFERENCE_RATIO = 2.0  # issue 15: a first run within 2x plain pdfplumber
MEMORY_LIMIT_GB = 4.0
PROSE = ("veiligheidsbeeld", "organisatie", "inleiding", "evaluatie")


def lengthened(doc, composer: PlanComposer, pages: int):
    """The plan with appendix chapters of the generator's prose (filled by its own composer) until
    it has about `pages` pages (about 450 words a page)."""
    words = sum(len(getattr(b, "text", "").split()) for c in doc.chapters for b in c.blocks)
    wijken = [f"Wijk {n}" for n in range(1, 40)]
    rng, prose = composer.rng, composer.bank.texts["prose"]
    chapters, n = [], 0
    while words < pages * 450:
        blocks = []
        for _ in range(6):
            text = composer.fill(rng.choice(prose[rng.choice(PROSE)]))
            blocks.append(Paragraph(text))
            words += len(text.split())
        chapters.append(Chapter(f"Bijlage: wijkanalyse {wijken[n % len(wijken)]}", "", [Heading("Beeld van de wijk", 2), *blocks]))
        n += 1
    return replace(doc, chapters=doc.chapters + chapters)


def generate(folder: Path, n_plans: int, pages: int, seed: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    registry, bank, codebook = load_registry(), load_phrase_bank(), load_codebook()
    paths = []
    for spec in build_roster(registry, seed, n_plans):
        path = folder / f"{spec.slug}.pdf"
        paths.append(path)
        if path.exists():
            continue
        composer = PlanComposer(spec, bank, codebook)
        doc, _ = composer.compose()
        doc = lengthened(doc, composer, pages)
        layout = spec.layout if spec.format == "pdf" else "word"
        render = render_weasyprint if spec.format == "pdf" and spec.producer == "weasyprint" else render_reportlab
        render(doc, layout, random.Random(spec.seed + 1), path)
    return paths


class PeakMemory:
    """The largest resident set of this process and its children, per stage."""

    def __init__(self) -> None:
        self.stage, self.peaks, self._stop = "start", {}, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            try:
                rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.peaks[self.stage] = max(self.peaks.get(self.stage, 0), rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(corpus: Path, out: Path, memory: PeakMemory) -> dict[str, float]:
    def tracked(stage):
        def run_stage(ctx):
            memory.stage = stage.name
            stage.run(ctx)
        return run_stage

    stages = pipeline.STAGES
    pipeline.STAGES = [replace(stage, run=tracked(stage)) for stage in stages]
    try:
        started = time.perf_counter()
        ctx = pipeline.run(pipeline.RunOptions(corpus_dir=corpus, out_dir=out, workers=2, progress=False))
        return {**ctx.timings, "total": time.perf_counter() - started}
    finally:
        pipeline.STAGES = stages


def pdfplumber_seconds(paths: list[Path], every: int) -> tuple[float, int, int]:
    """(seconds for all pages, estimated from every `every`-th PDF; pages read; pages in all)."""
    import pdfplumber
    import pypdfium2

    total_pages = sum(len(pypdfium2.PdfDocument(str(p))) for p in paths)
    sample, pages, started = paths[::every], 0, time.perf_counter()
    for path in sample:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
    elapsed = time.perf_counter() - started
    return elapsed * total_pages / max(pages, 1), pages, total_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=340)
    parser.add_argument("--pages-per-plan", type=int, default=41)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=10, help="pdfplumber reads every n-th PDF")
    parser.add_argument("--work", type=Path, default=Path("benchmarks/work/national"))
    args = parser.parse_args()

    started = time.perf_counter()
    paths = generate(args.work / "corpus", args.plans, args.pages_per_plan, args.seed)
    print(f"corpus: {len(paths)} PDFs in {args.work / 'corpus'} ({time.perf_counter() - started:.0f} s to make or find)")
    plumber, sampled, n_pages = pdfplumber_seconds(paths, args.sample)
    print(f"pages: {n_pages}; pdfplumber extract_text: {plumber:.0f} s for all pages (measured on {sampled}, one process)")

    out = args.work / "out"
    shutil.rmtree(out, ignore_errors=True)
    with PeakMemory() as memory:
        first = run_measured(args.work / "corpus", out, memory)
    with PeakMemory() as again_memory:
        again = run_measured(args.work / "corpus", out, again_memory)

    print(f"\n{'stage':<12} {'first run s':>12} {'peak GB':>8} {'re-run s':>9}")
    for name in pipeline.STAGE_NAMES:
        print(f"{name:<12} {first.get(name, 0):>12.1f} {memory.peaks.get(name, 0) / 1e9:>8.2f} {again.get(name, 0):>9.1f}")
    peak = max(memory.peaks.values(), default=0) / 1e9
    print(f"{'total':<12} {first['total']:>12.1f} {peak:>8.2f} {again['total']:>9.1f}")
    print(f"\nfirst run / pdfplumber: {first['total'] / plumber:.2f}x (reference: at most {REFERENCE_RATIO:.1f}x); "
          f"peak memory {peak:.2f} GB (reference: under {MEMORY_LIMIT_GB:.0f} GB); "
          f"{n_pages / first['total']:.1f} pages/s; re-run {again['total']:.0f} s")


if __name__ == "__main__":
    main()
