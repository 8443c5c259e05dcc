"""Write the demo corpus: the plan files, a few non-documents, one damaged PDF, ground truth.

`generate_corpus(out_dir, seed, n_plans)` is reproducible: the same seed gives the same
ground truth and the same file contents (reportlab with `invariant=1`, fixed metadata in
WeasyPrint and DOCX files).
"""

from __future__ import annotations

import json
import random
import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

import pypdfium2

from ivpcorpus.codebook import load_codebook
from ivpcorpus.demo.compose import compose_plan
from ivpcorpus.demo.model import GROUND_TRUTH, SYNTHETIC_MARKER, Item, load_phrase_bank
from ivpcorpus.demo.render_docx import render_docx
from ivpcorpus.demo.render_html import gemeenteblad_html, render_weasyprint
from ivpcorpus.demo.render_reportlab import render_reportlab
from ivpcorpus.demo.roster import DEFAULT_PLANS, PlanSpec, build_roster, slugify
from ivpcorpus.registry import Registry, load_registry

# Characters that differ between how an item is written and how a PDF's text layer gives it
# back (line breaks, hyphenation at line ends); ignored when locating an item on a page.
_LAYOUT_CHARS = re.compile(r"[\s\-\u00ad\u2010\u2011\ufffe\x02]+")


def _compact(text: str) -> str:
    return _LAYOUT_CHARS.sub("", text).lower()


def pdf_page_texts(path: Path) -> list[str]:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def locate_items(items: list[Item], anchor_pages: dict[str, int], page_texts: list[str]) -> None:
    """Set each item's page: the first page, from where its block starts, that shows its text."""
    pages = [_compact(t) for t in page_texts]
    for item in items:
        start = anchor_pages[item.key]
        needle = _compact(item.text)
        found = next((p for p in range(start, len(pages) + 1) if needle in pages[p - 1]), None)
        if found is None:
            raise RuntimeError(f"demo corpus: item {item.text!r} not found from page {start} on ({item.key})")
        item.page = found


def file_name(spec: PlanSpec, rng: random.Random) -> str:
    """Real corpora have messy file names; a third of the plans get one."""
    ext = spec.format
    style = rng.choices(["slug", "ivp", "definitief", "no_period"], [6, 1, 1, 1])[0]
    if style == "ivp":
        return f"IVP {spec.name} {spec.period}.{ext}"
    if style == "definitief":
        return f"{spec.slug}_definitief_raadsversie.{ext}"
    if style == "no_period":
        return f"integraal-veiligheidsplan-{slugify(spec.name)}.{ext}"
    return f"{spec.slug}.{ext}"


def plan_files(roster: list[PlanSpec], seed: int) -> list[tuple[PlanSpec, str]]:
    """Each plan with the name of its file in the corpus."""
    rng = random.Random(seed)
    names: list[str] = []
    for spec in roster:
        name = file_name(spec, rng)
        if name in names:  # two plans of one gemeente without a period in the name
            name = f"{spec.slug}.{spec.format}"
        names.append(name)
    return list(zip(roster, names))


def entry(spec: PlanSpec, doc: str, items: list[Item], expected: str, note: str, seed: int, n_plans: int) -> dict:
    priorities = [i.text for i in items if i.level == "prioriteit"]
    return {
        "doc": doc, "plan": spec.slug, "format": spec.format, "producer": spec.producer, "layout": spec.layout,
        "expected": expected, "note": note,
        "municipality": list(spec.municipalities), "gemeentecodes": list(spec.codes), "groups": list(spec.groups),
        "joint": spec.joint, "pre_merger": spec.pre_merger, "period": spec.period,
        "priority_form": spec.priority_form,
        "priorities": priorities, "other_themes": [i.text for i in items if i.level == "overig_thema"],
        "items": [{"text": i.text, "level": i.level, "thema": i.thema, "also": i.also,
                   "landelijke_prioriteiten": i.landelijke_prioriteiten, "page": i.page, "form": i.form}
                  for i in items],
        "seed": seed, "plans_in_corpus": n_plans,
    }


def render_plan(spec: PlanSpec, path: Path) -> list[Item]:
    """Write one plan in its format; return its items with their pages (None without pages)."""
    doc, items = compose_plan(spec, load_phrase_bank(), load_codebook())
    rng = random.Random(spec.seed + 1)  # layout choices, independent of the content draw
    if spec.format == "html":
        path.write_text(gemeenteblad_html(doc, spec.name), encoding="utf-8")
    elif spec.format == "docx":
        render_docx(doc, path)
    else:
        render = render_reportlab if spec.producer == "reportlab" else render_weasyprint
        anchor_pages = render(doc, spec.layout, rng, path)
        locate_items(items, anchor_pages, pdf_page_texts(path))
    return items


def damaged_plan(registry: Registry, roster: list[PlanSpec], seed: int) -> PlanSpec:
    """A plan of a gemeente outside the roster, written as a PDF that is then truncated."""
    used = {c for spec in roster for c in spec.codes}
    pool = sorted(set(registry.municipalities.index[registry.municipalities["group"] == "other"]) - used)
    code = random.Random(seed).choice(pool)
    name = registry.name(code)
    return replace(roster[0], slug=f"{slugify(name)}_2023-2026", name=name, municipalities=(name,), codes=(code,),
                   groups=(registry.group(code),), joint=False, pre_merger=False, period="2023-2026", format="pdf",
                   producer="reportlab", layout="plain", priority_form="bullets",
                   politie_eenheid=str(registry.municipalities.at[code, "politie_eenheid"]), seed=seed)


def tiny_png(width: int = 48, height: int = 24) -> bytes:
    """A small deterministic PNG (a 'logo'), written without an imaging library."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 5 % 256, 60, min(255, 120 + y * 4))) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


NOTES = f"""{SYNTHETIC_MARKER}

Notities overleg OOV, voorbereiding nieuwe veiligheidsplannen
- planning raadsbehandeling navragen bij griffie
- cijfers politie opvragen (basisteam)
- veiligheidsmonitor: resultaten komen in het najaar
Dit bestand is geen veiligheidsplan en hoort niet in de analyse.
"""


def generate_corpus(out_dir: Path, seed: int = 42, n_plans: int = DEFAULT_PLANS,
                    progress: Callable[[list], Iterable] = iter, extras: bool = True) -> list[dict]:
    """Write the demo corpus into `out_dir`; return (and write) the ground truth.

    `progress` wraps the list of plans to render (e.g. tqdm); `extras=False` leaves out the
    non-documents and the damaged PDF.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    registry = load_registry()
    roster = build_roster(registry, seed, n_plans)
    truth: list[dict] = []
    for spec, name in progress(plan_files(roster, seed)):
        items = render_plan(spec, out_dir / name)
        truth.append(entry(spec, name, items, "document", "", seed, n_plans))
    if extras:
        truth += write_extras(out_dir, registry, roster, seed, n_plans)
    truth.sort(key=lambda e: e["doc"])
    (out_dir / GROUND_TRUTH).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def write_extras(out_dir: Path, registry: Registry, roster: list[PlanSpec], seed: int, n_plans: int) -> list[dict]:
    """Files that are not (readable) plans, and how the pipeline is expected to treat them."""
    spec = damaged_plan(registry, roster, seed)
    name = f"{spec.slug}.pdf"
    render_plan(spec, out_dir / name)
    data = (out_dir / name).read_bytes()
    (out_dir / name).write_bytes(data[: len(data) * 2 // 5])  # cut off: no xref, no trailer, pages lost
    truth = [entry(spec, name, [], "error", "truncated PDF (first 40% of the bytes): the file cannot be read; "
                   "expect one row in errors and status error, nothing else lost", seed, n_plans)]
    (out_dir / "notities.txt").write_text(NOTES, encoding="utf-8")
    (out_dir / "logo.png").write_bytes(tiny_png())
    for doc, fmt in (("notities.txt", "txt"), ("logo.png", "png")):
        truth.append({"doc": doc, "plan": "", "format": fmt, "producer": "", "layout": "", "expected": "ignored",
                      "note": "not a document format of the corpus (PDF/HTML/DOCX): skipped with a reason",
                      "municipality": [], "gemeentecodes": [], "groups": [], "joint": False, "pre_merger": False,
                      "period": "", "priority_form": "", "priorities": [], "other_themes": [], "items": [],
                      "seed": seed, "plans_in_corpus": n_plans})
    return truth
