"""The corpus manifest: which file is which plan, of which gemeente(n), for which period.

`scan` hashes every document in a folder, takes a quick look at it (page count, title,
first pages) and detects the gemeenten and the period, recording the evidence it used. A
manifest the user edited wins over detection: a non-empty cell of an existing row is kept
on every rescan (clear a cell to have it detected again). What cannot be detected is left
empty and reported, never guessed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ivpcorpus.extract import Preview, document_format, preview_document
from ivpcorpus.errors import InputError
from ivpcorpus.registry import Registry

MANIFEST_COLUMNS = ["doc_id", "path", "sha256", "format", "pages", "title", "municipalities",
                    "municipality_names", "period", "evidence", "status", "reason"]
USER_FIELDS = ("title", "municipalities", "period")

_PERIOD = re.compile(r"(?<!\d)(20\d\d|19\d\d)\s*(?:-|–|—|/|t/m|tot en met|tot)\s*(20\d\d)(?!\d)")
_YEAR = re.compile(r"(?<![\d-])(20\d\d)(?![\d-])")
_GENERIC_TITLE = re.compile(r"^(microsoft word|untitled|naamloos|\(?anonymous\)?|document\d*|\s*$)", re.I)
MAX_TITLE_LINE = 100  # characters; longer cover lines are running text
_PLAN_WORD = re.compile(r"veiligheid|\bplan\b|beleid|\bnota\b|\bivp\b|programma\b|periode|komende", re.I)
_OTHER_DOCUMENT = re.compile(r"(afgelopen|vorige|voorgaande|collegeprogramma|coalitie\w*|bestuursakkoord|"
                             r"akkoord|evaluatie|terugblik\w*)\W+(?:\w+\W+){0,3}$", re.I)
_DATE_BEFORE = re.compile(r"(\d{1,2}[-/.]\d{1,2}[-/.]|\d{1,2}\s+(jan|feb|maa|apr|mei|jun|jul|aug|sep|okt|nov|dec)\w*\s+)$", re.I)
_ANNOUNCED = re.compile(r"\b[Gg]emeenten?\s+((?:[A-Z'][\w'’.()-]*(?:\s+(?:aan|en|op|de|den|van|der|bij|in|a/d)\b)*\s*){1,5})")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def doc_id_of(sha256: str) -> str:
    """A document's id is its content hash, so a moved or renamed file keeps its results."""
    return sha256[:16]


def find_documents(corpus_dir: Path) -> list[Path]:
    """All PDF/HTML/DOCX files below the folder (sorted); everything else is ignored."""
    return sorted(p for p in corpus_dir.rglob("*")
                  if p.is_file() and not p.name.startswith((".", "~$")) and document_format(p))


@dataclass
class Detection:
    municipalities: list[str]
    period: str
    title: str
    evidence: str


def detect(source_file: str, preview: Preview, registry: Registry) -> Detection:
    """Detect title, gemeenten (CBS codes) and period of one document from its first pages."""
    cover = preview.page_texts[0] if preview.page_texts else ""
    cover_lines = [ln.strip() for ln in cover.splitlines() if ln.strip()][:12]
    title = _title(preview.title, cover_lines)
    stem = Path(source_file).stem
    evidence = []

    codes: list[str] = []
    for label, text in (("titel", title), ("titelpagina", "\n".join(cover_lines)), ("bestandsnaam", stem)):
        found = [m.code for m in registry.match_text(text)] if text else []
        if label == "titelpagina":
            found = _named_as_the_plans_own(found, cover_lines, preview, registry)
        if found:
            codes, where = found, label
            evidence.append(f"gemeente uit {where}: {', '.join(registry.name(c) for c in codes)}")
            break
    if not codes:
        counts = _announced_counts(preview, registry)
        frequent = sorted((c for c, n in counts.items() if n >= 2), key=lambda c: -counts[c])
        if frequent:
            codes = frequent[:1]
            evidence.append(f"gemeente uit tekst ('gemeente {registry.name(codes[0])}' {counts[codes[0]]}x)")

    period = ""
    for label, text in (("titel", title), ("titelpagina", "\n".join(cover_lines)), ("bestandsnaam", stem.replace("_", " "))):
        period = _period(text)
        if period:
            evidence.append(f"periode uit {label}")
            break
    return Detection(codes, period, title, "; ".join(evidence))


def _named_as_the_plans_own(codes: list[str], cover_lines: list[str], preview: Preview,
                            registry: Registry) -> list[str]:
    """Gemeenten on the cover that name the plan's own: all of them when one sits in a
    title-like line; from running text (the first page of an HTML publication) only those
    announced as "gemeente X" or named at least twice in the preview, not a place cited as
    an example ("rampen zoals Enschede of in Volendam")."""
    title_codes = {m.code for ln in cover_lines if len(ln) <= MAX_TITLE_LINE for m in registry.match_text(ln)}
    if title_codes & set(codes):
        return codes
    announced = _announced_counts(preview, registry)
    mentions = Counter(m.code for page in preview.page_texts for ln in page.splitlines() for m in registry.match_text(ln))
    return [c for c in codes if announced[c] or mentions[c] >= 2]


def _announced_counts(preview: Preview, registry: Registry) -> Counter[str]:
    """How often each gemeente is announced as "gemeente X" in the preview's pages."""
    return Counter(match.code for page_text in preview.page_texts for m in _ANNOUNCED.finditer(page_text)
                   for match in registry.match_text("gemeente " + m.group(1)))


def _title(metadata_title: str | None, cover_lines: list[str]) -> str:
    if metadata_title and not _GENERIC_TITLE.match(metadata_title):
        return metadata_title
    for i, line in enumerate(cover_lines):
        if re.search(r"veiligheid", line, re.I):
            # Titles often wrap: "Integraal Veiligheidsplan" / "2023-2026" / "gemeente X".
            return " ".join(cover_lines[i:i + 3]) if len(line) < 40 else line
    return cover_lines[0] if cover_lines else ""


def _period(text: str) -> str:
    """The plan's period in a title, file name or cover page. On a cover page, a period that
    another document or the previous plan owns ("collegeprogramma 2018-2022", "afgelopen
    periode (2011 - 2014)") is skipped, and in running text only one introduced by the plan
    ("Integraal Veiligheidsbeleid 2022-2025") counts. A single year counts in a one-line text
    (title, file name) or on a cover line that names the plan, never from a date."""
    lines = text.splitlines() or [text]
    for line in lines:
        for m in _PERIOD.finditer(line):
            start, end = int(m.group(1)), int(m.group(2))
            before = line[:m.start()]
            if not 0 < end - start <= 6 or _OTHER_DOCUMENT.search(before[-50:]):
                continue
            if len(line) > MAX_TITLE_LINE and not _PLAN_WORD.search(before[-60:]):
                continue
            return f"{start}-{end}"
    years = [(line, m) for line in lines for m in _YEAR.finditer(line)
             if not _DATE_BEFORE.search(line[:m.start()])]
    if len(years) != 1:
        return ""
    line, year = years[0]
    return year.group(1) if len(lines) == 1 or _PLAN_WORD.search(line) else ""


def scan(corpus_dir: Path, registry: Registry, existing: pd.DataFrame | None = None,
         progress=None) -> pd.DataFrame:
    """Build the manifest of a corpus folder; rows of `existing` keep their non-empty user fields.

    `progress`, if given, wraps the file list (e.g. a tqdm factory) so long scans show progress.
    """
    files = find_documents(corpus_dir)
    known = {}
    if existing is not None and not existing.empty:
        known = {row["sha256"]: row for row in existing.fillna("").astype(str).to_dict("records")}
    rows = []
    for path in (progress(files) if progress else files):
        sha = sha256_of(path)
        row = {"doc_id": doc_id_of(sha), "path": str(path.relative_to(corpus_dir)), "sha256": sha,
               "format": document_format(path), "status": "ok", "reason": ""}
        try:
            preview = preview_document(path)
        except Exception as exc:  # any damage: reported per file, the scan goes on
            row.update(pages=0, title="", municipalities="", municipality_names="", period="", evidence="",
                       status="error", reason=f"kan het document niet openen: {_plain(exc)}")
        else:
            found = detect(path.name, preview, registry)
            row.update(pages=preview.n_pages, title=found.title, municipalities=";".join(found.municipalities),
                       period=found.period, evidence=found.evidence)
        previous = known.get(sha)
        if previous:
            for field in USER_FIELDS:
                if previous.get(field, "").strip():
                    if previous[field] != row[field]:
                        row["evidence"] = (row["evidence"] + f"; {field} uit bestaand manifest").lstrip("; ")
                    row[field] = previous[field]
        row["municipality_names"] = "; ".join(
            registry.name(c) for c in row["municipalities"].split(";") if c in registry.municipalities.index)
        unknown = [f for f, label in (("municipalities", "gemeente"), ("period", "periode")) if not row[f]]
        if unknown and row["status"] == "ok":
            row["status"] = "warning"
            row["reason"] = "niet herkend: " + ", ".join(
                {"municipalities": "gemeente", "period": "periode"}[f] for f in unknown)
        rows.append(row)
    manifest = pd.DataFrame(rows, columns=MANIFEST_COLUMNS)
    manifest["pages"] = manifest["pages"].fillna(0).astype(int)
    return manifest


def rescan(corpus_dir: Path, registry: Registry, manifest_path: Path, progress=None) -> pd.DataFrame:
    """The manifest of a corpus folder, keeping what the user filled in in `manifest_path` (when
    it exists): what `ivpcorpus scan` writes for editing and the pipeline's first step both use."""
    existing = read_manifest(manifest_path) if manifest_path.exists() else None
    return scan(corpus_dir, registry, existing, progress=progress)


def read_manifest(path: Path) -> pd.DataFrame:
    try:
        manifest = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path}: geen leesbaar manifest (CSV): {_plain(error)}") from None
    missing = {"doc_id", "path", "sha256"} - set(manifest.columns)
    if missing:
        raise InputError(f"{path}: geen ivpcorpus-manifest (kolom(men) {sorted(missing)} ontbreken); "
                         "verwijder het bestand of laat `ivpcorpus scan` het opnieuw maken")
    duplicated = manifest["doc_id"][manifest["doc_id"].duplicated() & (manifest["doc_id"] != "")]
    if len(duplicated):
        raise InputError(f"{path}: doc_id {sorted(set(duplicated))} staat meer dan eens in het manifest")
    for column in MANIFEST_COLUMNS:
        if column not in manifest.columns:
            manifest[column] = ""
    manifest["pages"] = pd.to_numeric(manifest["pages"], errors="coerce").fillna(0).astype(int)
    return manifest[MANIFEST_COLUMNS]


def _plain(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
