"""Extraction speed, memory and quality: ivpcorpus vs a plain pdfplumber loop vs pypdfium2 raw text.

Each method runs in its own process over the same PDFs (corpus/demo and ../shared/dev/pdf when
present) so peak memory (max RSS) is its own. Quality is measured against the gold priorities:
the share found unbroken on one output line, and the share of pages with running
header/footer residue (the document's repeating first/last line or a bare page number).

    .venv/bin/python benchmarks/bench_extract.py
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "dev" / "pdf"
METHODS = ("ivpcorpus", "pdfplumber", "pypdfium2")


def documents() -> list[Path]:
    paths = sorted((REPO / "corpus" / "demo").rglob("*.pdf")) + sorted(DEV.glob("*.pdf"))
    return [p for p in paths if p.is_file()]


def page_texts(method: str, path: Path) -> list[str]:
    if method == "ivpcorpus":
        from ivpcorpus.extract import extract_document

        return list(extract_document(path, path.stem).pages.text)
    if method == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    pdf.close()
    return texts


def run_method(method: str) -> dict:
    """In a child process: extract every document, report time, pages, peak memory, texts."""
    started = time.perf_counter()
    texts, unreadable = {}, []
    for path in documents():
        try:
            texts[str(path)] = page_texts(method, path)
        except Exception:  # noqa: BLE001 - a file this method cannot open is counted, not fatal
            unreadable.append(str(path))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": sum(len(t) for t in texts.values()), "texts": texts,
            "unreadable": unreadable,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2010", "-")).strip()


def gold_priorities() -> dict[str, list[str]]:
    gold: dict[str, list[str]] = {}
    if (DEV / "gold.json").exists():
        for plan in json.loads((DEV / "gold.json").read_text()):
            gold[str(DEV / plan["doc"])] = plan["priorities"]
    truth = REPO / "corpus" / "demo" / "ground_truth.json"
    if truth.exists():  # the demo corpus' ground truth: items per document file
        data = json.loads(truth.read_text())
        for entry in data if isinstance(data, list) else data.get("documents", []):
            file, items = entry.get("file") or entry.get("doc"), entry.get("items") or entry.get("priorities") or []
            if file:
                gold[str(REPO / "corpus" / "demo" / file)] = [i if isinstance(i, str) else i.get("text", "") for i in items]
    return gold


def running_lines(pages: list[str]) -> set[str]:
    """Lines that open or close at least half of the pages, digits ignored: the running header/footer."""
    edges = Counter()
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for line in {lines[0], lines[-1]} if lines else set():
            edges[re.sub(r"\d+", "#", line)] += 1
    return {line for line, n in edges.items() if n >= max(2, len(pages) // 2)}


def quality(texts: dict[str, list[str]], reference: dict[str, list[str]]) -> tuple[float, float]:
    gold = gold_priorities()
    found = total = 0
    for path, priorities in gold.items():
        lines = {_squash(line) for page in texts.get(path, []) for line in page.splitlines()}
        for priority in priorities:
            total += 1
            found += any(_squash(priority) in line for line in lines)
    residue = n_pages = 0
    for path, pages in texts.items():
        if path not in reference:
            continue
        running = running_lines(reference[path])  # learnt from pdfplumber's faithful page text
        for text in pages:
            n_pages += 1
            lines = [re.sub(r"\d+", "#", line.strip()) for line in text.splitlines()]
            residue += any(line in running or re.fullmatch(r"(pagina )?#", line) for line in lines)
    return (found / total if total else float("nan")), (residue / n_pages if n_pages else float("nan"))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--method":
        json.dump(run_method(sys.argv[2]), sys.stdout)
        return
    paths = documents()
    if not paths:
        sys.exit("geen PDF's gevonden (corpus/demo of ../shared/dev/pdf)")
    results = {}
    for method in METHODS:
        output = subprocess.run([sys.executable, __file__, "--method", method], capture_output=True, text=True,
                                check=True, cwd=REPO).stdout
        results[method] = json.loads(output)
    reference = results["pdfplumber"]["texts"]
    print(f"{len(paths)} PDF's, {results['pdfplumber']['pages']} pagina's, één proces per methode\n")
    print("\n".join(f"{m}: {len(r['unreadable'])} niet te openen" for m, r in results.items() if r["unreadable"]))
    print(f"{'methode':<12}{'pag/s':>8}{'x plumber':>10}{'max RSS MB':>12}{'prioriteiten heel':>19}{'kop/voet-resten':>17}")
    base = results["pdfplumber"]["pages"] / results["pdfplumber"]["seconds"]
    for method in METHODS:
        r = results[method]
        rate = r["pages"] / r["seconds"]
        found, residue = quality(r["texts"], reference)
        print(f"{method:<12}{rate:>8.1f}{rate / base:>10.1f}{r['max_rss_mb']:>12.0f}{found:>19.0%}{residue:>17.0%}")


if __name__ == "__main__":
    main()
