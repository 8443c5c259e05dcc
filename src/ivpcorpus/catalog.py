"""The catalog: every table the pipeline stores and every file it writes in OUT_DIR.

Each table that crosses a stage boundary is a pandas DataFrame with (at least) the columns its
`Table` lists, keyed by doc_id / page / block_id and carrying provenance. `validate` checks the
columns and their kinds, the values a column may take (statuses, block kinds, levels) and that
the table's key is unique. It is called where a stage hands a table on and where the store
writes it, so a broken stage fails with a clear message at the boundary instead of three stages
later. The store refuses a table that is not in the catalog.

Multi-valued cells (municipalities, also, landelijke_prioriteiten) are strings joined with
`;` (CBS codes) or `|` (labels), so the tables stay flat for CSV, Excel and SQL.

The analysis tables also carry what the report and the workbook say about them: a Dutch title,
a description and the counting convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# kind: "str" (nullable text), "int", "float", "bool"
Schema = dict[str, str]

# -- files in OUT_DIR ------------------------------------------------------------------------
MANIFEST_CSV = "manifest.csv"  # also the name of a user's own manifest in CORPUS_DIR
DOCUMENTS_CSV = "documents.csv"
SPEERPUNTEN_CSV = "speerpunten.csv"
TOPICS_CSV = "topics.csv"
TOPIC_MODEL_DIR = "topic_model"
REPORT_FILES = {"html": "report.html", "pdf": "report.pdf", "xlsx": "report.xlsx"}
DB_NAME = "ivpcorpus.duckdb"
TABLES_DIR = "tables"  # <name>.parquet: the current version of every table
CACHE_DIR = "cache"    # per-document results and embeddings, keyed by content hash + version
REVIEW_DIR = "review"  # review sheets and the correction histories below
CORRECTIONS_CSV = "corrections.csv"  # label corrections, one row per reviewed item per import
SPEERPUNT_CORRECTIONS_CSV = "speerpunt_corrections.csv"  # "geen speerpunt" / added items
# What `ivpcorpus run` lists as its result, in this order.
RESULT_FILES = (DOCUMENTS_CSV, SPEERPUNTEN_CSV, TOPICS_CSV, *REPORT_FILES.values(), DB_NAME)

# -- values ----------------------------------------------------------------------------------
DOCUMENT_STATUSES = ("ok", "warning", "error")
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row")
PAGE_QUALITIES = ("ok", "low_quality", "needs_ocr", "empty")
LEVELS = ("prioriteit", "overig_thema")
# A plan's speerpunten finding (speerpunten.decide says when each applies).
FINDING_STATUSES = ("gevonden", "onzeker", "geen", "bewust_geen", "niet_gelezen", "fout", "beoordeeld")
# The stages that can fail for one document; the `errors` table names the stage.
ERROR_STAGES = ("manifest", "extract", "speerpunten", "classify", "topics")
LABEL_SOURCES = ("model", "review")
NEW_THEME = "nieuw"  # the thema of a discovered topic that is not in the codebook
SPEERPUNT_ACTIONS = ("verwijderen", "toevoegen")

# Counting conventions of the analysis tables.
PLAN = "plan"
GEMEENTE = "gemeente"
CONVENTIONS = {
    PLAN: "per plan: een gezamenlijk plan telt één keer",
    GEMEENTE: "per gemeente: een gezamenlijk plan telt voor elke deelnemende gemeente; "
              "per gemeente het meest recente plan",
}


@dataclass(frozen=True)
class Table:
    columns: Schema
    key: tuple[str, ...] = ()  # unique together; () = no key (histories, error lists)
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)  # allowed values ("" and NaN always)
    # analysis tables: what the report and the workbook say about them (Dutch)
    title: str = ""
    description: str = ""
    convention: str = ""  # PLAN, GEMEENTE or "" (not a count, or per row)
    sheet: str = ""       # Excel sheet name when it is not the name without "analysis_"


_SPEERPUNT_COLUMNS: Schema = {
    "item_id": "str", "doc_id": "str", "source_file": "str", "municipalities": "str", "period": "str",
    "level": "str", "text": "str", "context": "str", "page": "int", "evidence": "str",
    "confidence": "float",
}
# Columns the classification stage adds to `speerpunten` (label_* so they do not collide with
# the finder's own confidence/evidence).
LABEL_COLUMNS: Schema = {
    "thema": "str", "also": "str", "veld": "str", "landelijke_prioriteiten": "str",
    "label_confidence": "float", "lp_confidence": "float", "top3": "str", "label_evidence": "str",
    "label_source": "str",
}
_INTERVAL = {"share_low": "float", "share_high": "float"}

TABLES: dict[str, Table] = {
    # -- per document --------------------------------------------------------------------
    # One row per input file found in CORPUS_DIR: gemeenten and period with the evidence used.
    "manifest": Table({"doc_id": "str", "path": "str", "sha256": "str", "format": "str", "pages": "int", "title": "str",
                       "municipalities": "str", "municipality_names": "str", "period": "str", "evidence": "str",
                       "status": "str", "reason": "str"}, key=("doc_id",), values={"status": DOCUMENT_STATUSES}),
    # One row per input file (also the files that failed), after extraction.
    # (The pipeline's documents table also keeps the manifest's municipality_names and evidence.)
    "documents": Table(
        {"doc_id": "str", "source_file": "str", "path": "str", "sha256": "str", "format": "str", "pages": "int",
         "title": "str", "municipalities": "str", "period": "str", "status": "str", "reason": "str",
         "ocr_pages": "int"},  # pages read by OCR (scans without a text layer)
        key=("doc_id",), values={"status": DOCUMENT_STATUSES}),
    # One row per page: plain text after header/footer removal, and a quality flag.
    "pages": Table({"doc_id": "str", "page": "int", "text": "str", "n_chars": "int", "quality": "str"},
                   key=("doc_id", "page"), values={"quality": PAGE_QUALITIES}),
    # One row per layout block, in reading order (block_id is the order within the document);
    # ocr: the text was read from the page's image by OCR (PDF scans), not from a text layer.
    "blocks": Table({"doc_id": "str", "block_id": "int", "page": "int", "kind": "str", "level": "int",
                     "text": "str", "x0": "float", "top": "float", "x1": "float", "bottom": "float", "ocr": "bool"},
                    key=("doc_id", "block_id"), values={"kind": BLOCK_KINDS}),
    # Anything that went wrong for one document, with the stage and a reason in plain words.
    "errors": Table({"doc_id": "str", "source_file": "str", "stage": "str", "reason": "str"},
                    values={"stage": ERROR_STAGES}),
    # One row per speerpunt (priority) or second-tier theme found in a plan; after the
    # classification stage also with LABEL_COLUMNS.
    "speerpunten": Table(_SPEERPUNT_COLUMNS, key=("item_id",),
                         values={"level": LEVELS, "label_source": LABEL_SOURCES}),
    # One row per document: what the finder concluded about its speerpunten.
    "speerpunt_findings": Table({"doc_id": "str", "source_file": "str", "status": "str", "n_prioriteit": "int",
                                 "n_overig_thema": "int", "confidence": "float", "finding": "str"},
                                key=("doc_id",), values={"status": FINDING_STATUSES}),
    # The best candidates of plans without a clear list ("onzeker"), for a person to accept or reject.
    "speerpunt_candidates": Table({"doc_id": "str", "source_file": "str", "level": "str", "text": "str",
                                   "page": "int", "evidence": "str", "score": "float"}, values={"level": LEVELS}),
    # -- review histories (OUT_DIR/review/*.csv, copied into the store by the run) --------------
    "corrections": Table({"item_id": "str", "text": "str", "context": "str", "thema": "str", "also": "str",
                          "landelijke_prioriteiten": "str", "reviewer": "str", "reviewed_at": "str", "note": "str",
                          "source_file": "str"}),
    "speerpunt_corrections": Table({"doc_id": "str", "action": "str", "item_id": "str", "level": "str",
                                    "text": "str", "page": "str", "reviewer": "str", "reviewed_at": "str",
                                    "note": "str", "source_file": "str"},
                                   values={"action": SPEERPUNT_ACTIONS, "level": LEVELS}),
    # -- topics ----------------------------------------------------------------------------
    "topics": Table({"topic_id": "int", "label": "str", "thema": "str", "thema_name": "str", "top_words": "str",
                     "size": "int", "n_documents": "int", "share": "float", "nearest_thema": "str",
                     "nearest_similarity": "float", "examples": "str"}, key=("topic_id",)),
    "topic_passages": Table({"passage_id": "str", "doc_id": "str", "source_file": "str", "page": "int",
                             "first_block": "int", "last_block": "int", "text": "str", "n_words": "int",
                             "passage_hash": "str", "topic_id": "int", "thema": "str", "similarity": "float"},
                            key=("passage_id",)),
    "topic_share_by_group": Table({"group": "str", "topic_id": "int", "label": "str", "thema": "str",
                                   "n_passages": "int", "group_passages": "int", "passage_share": "float",
                                   "n_plans": "int", "group_plans": "int", "plan_share": "float",
                                   "small_cell": "bool"}, key=("group", "topic_id")),
    # -- analysis (shown in the report and the workbook, in this order) --------------------
    "analysis_plans": Table(
        {"doc_id": "str", "source_file": "str", "title": "str", "municipalities": "str", "municipality_names": "str",
         "n_municipalities": "int", "joint": "bool", "groups": "str", "period": "str", "period_bucket": "str",
         "status": "str", "n_prioriteit": "int", "n_overig_thema": "int", "themas": "str",
         "landelijke_prioriteiten": "str"}, key=("doc_id",),
        title="Plannen", convention=PLAN,
        description="Eén rij per geanalyseerd plan: gemeenten, periode, aantallen speerpunten per niveau, thema's "
                    "en landelijke prioriteiten (niveau prioriteit)."),
    "analysis_municipalities": Table(
        {"gemeentecode": "str", "name": "str", "group": "str", "province": "str", "politie_eenheid": "str",
         "has_plan": "bool", "n_plans": "int", "doc_id": "str", "period": "str", "joint": "bool"},
        key=("gemeentecode",), title="Gemeenten", convention=GEMEENTE,
        description="Alle gemeenten van de registratie met groep, provincie, politie-eenheid en of er een plan in "
                    "het corpus is."),
    "analysis_coverage": Table(
        {"group": "str", "n_municipalities": "int", "n_with_plan": "int", "share": "float", "n_joint": "int",
         "small_cell": "bool"}, key=("group",), title="Dekking per groep", convention=GEMEENTE,
        description="Aandeel gemeenten per groep met een plan in het corpus."),
    "analysis_veld": Table(
        {"veld": "str", "veld_name": "str", "n_speerpunten": "int", "base": "int", "share": "float", **_INTERVAL,
         "ccv_2020_share": "float"}, key=("veld",), title="Speerpunten per veld", convention=PLAN,
        description="Aandeel van alle speerpunten (niveau prioriteit) per veiligheidsveld, met het CCV-cijfer van "
                    "2020 waar vergelijkbaar."),
    "analysis_thema": Table(
        {"thema": "str", "thema_name": "str", "veld": "str", "n_speerpunten": "int", "base": "int", "share": "float",
         **_INTERVAL, "n_plans": "int", "n_plans_total": "int", "share_plans": "float", "share_plans_low": "float",
         "share_plans_high": "float", "ccv_2020_share": "float"}, key=("thema",),
        title="Speerpunten per thema", convention=PLAN,
        description="Aandeel van alle speerpunten per (hoofd)thema en aandeel plannen met minstens één speerpunt op "
                    "het thema (hoofdthema of ook-thema)."),
    "analysis_tiers": Table(
        {"level": "str", "n_speerpunten": "int", "share": "float", **_INTERVAL, "n_plans_with_level": "int",
         "n_plans": "int", "mean_per_plan": "float", "median_per_plan": "float", "min_per_plan": "int",
         "max_per_plan": "int"}, key=("level",), values={"level": LEVELS},
        title="Speerpunten per niveau", convention=PLAN,
        description="Prioriteiten (niveau 1) en overige thema's (niveau 2): aantal, aantal per plan."),
    "analysis_alignment": Table(
        {"landelijke_prioriteit": "str", "name": "str", "n_plans": "int", "n_plans_total": "int",
         "share_plans": "float", "share_plans_low": "float", "share_plans_high": "float",
         "n_plans_any_level": "int", "n_speerpunten": "int", "share_speerpunten": "float",
         "share_speerpunten_low": "float", "share_speerpunten_high": "float"}, key=("landelijke_prioriteit",),
        title="Aansluiting Veiligheidsagenda", convention=PLAN,
        description="Aandeel plannen met minstens één speerpunt per landelijke prioriteit van de "
                    "Veiligheidsagenda 2023-2026."),
    # plus one 0/1 column per landelijke prioriteit of the codebook
    "analysis_plan_alignment": Table(
        {"doc_id": "str", "source_file": "str", "municipality_names": "str", "period": "str",
         "n_landelijke_prioriteiten": "int"}, key=("doc_id",),
        title="Landelijke prioriteiten per plan", convention=PLAN,
        description="Per plan welke landelijke prioriteiten het met een speerpunt dekt (1 = ja)."),
    "analysis_breakdown": Table(
        {"dimension": "str", "convention": "str", "category": "str", "measure": "str", "key": "str", "label": "str",
         "n": "int", "base": "int", "share": "float", **_INTERVAL, "interval": "str", "n_units": "int",
         "small_cell": "bool"}, key=("dimension", "category", "measure", "key"),
        values={"convention": (PLAN, GEMEENTE), "interval": ("bootstrap", "wilson")},
        title="Uitsplitsingen",
        description="Aandelen per groep, provincie, politie-eenheid (per gemeente), periode en gezamenlijk/enkel "
                    "plan (per plan); tellers, noemers en kleine cellen (n < 5) staan erbij."),
    "analysis_signals": Table(
        {"doc_id": "str", "source_file": "str", "signal_type": "str", "signal": "str", "n_mentions": "int",
         "page": "int", "quote": "str"}, key=("doc_id", "signal"), title="Tekstsignalen per plan", convention=PLAN,
        description="Gezamenlijke plannen, burgerparticipatie en genoemde partners, met de eerste zin als bewijs "
                    "(pagina en citaat)."),
    "analysis_signal_summary": Table(
        {"signal_type": "str", "signal": "str", "n_plans": "int", "n_plans_total": "int", "share_plans": "float",
         "share_plans_low": "float", "share_plans_high": "float"}, key=("signal",),
        title="Tekstsignalen", convention=PLAN, description="Aandeel plannen per tekstsignaal."),
    "analysis_quality": Table(
        {"metric": "str", "value": "float", "description": "str"}, key=("metric",),
        title="Methode en datakwaliteit",
        description="Aantallen documenten, extractiefouten, labelbron en -zekerheid, bekende beperkingen."),
    "analysis_reliability": Table(
        {"part": "str", "metric": "str", "value": "float", "low": "float", "high": "float",
         "mean_confidence": "float", "n_items": "float", "n_plans": "float", "measured_on": "str", "version": "str",
         "date": "str", "description": "str"}, key=("part", "metric"), sheet="betrouwbaarheid",
        title="Betrouwbaarheid",
        description="Gemeten nauwkeurigheid van het vinden en labelen van speerpunten op ontwikkeldata (niet op dit "
                    "corpus), de kalibratie van de labelzekerheid en wat een persoon in dit corpus heeft beoordeeld."),
}
ANALYSIS_TABLES = tuple(name for name in TABLES if name.startswith("analysis_"))


def columns(name: str) -> list[str]:
    """The catalog's columns of table `name`, in order."""
    return list(TABLES[name].columns)


class SchemaError(ValueError):
    """A table does not have the columns, types, values or unique key its stage promised."""


_CHECKS = {
    "str": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s) or s.isna().all(),
    "int": pd.api.types.is_integer_dtype,
    "float": lambda s: pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s),
    "bool": pd.api.types.is_bool_dtype,
}


def validate(name: str, df: pd.DataFrame, schema: Schema | None = None) -> pd.DataFrame:
    """Check that `df` carries the columns of table `name` (or of `schema`, for a table outside
    the catalog or a subset of one) with the right kinds, only the values the catalog allows and a
    unique key; return it."""
    if schema is None and name not in TABLES:
        raise SchemaError(f"table {name!r} is not in the catalog (ivpcorpus.catalog.TABLES)")
    table = TABLES.get(name)
    schema = schema if schema is not None else table.columns
    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r}: missing column(s) {missing}; has {list(df.columns)}")
    wrong = [f"{c} (expected {k}, got {df[c].dtype})" for c, k in schema.items() if len(df) and not _CHECKS[k](df[c])]
    if wrong:
        raise SchemaError(f"table {name!r}: wrong type for {', '.join(wrong)}")
    if table is None or not len(df):
        return df
    for column, allowed in table.values.items():
        if column in df.columns:
            given = df[column].dropna().astype(str)
            bad = sorted(set(given[given != ""]) - set(allowed))
            if bad:
                raise SchemaError(f"table {name!r}: column {column!r} has value(s) {bad[:5]}; allowed: {list(allowed)}")
    if table.key and all(c in df.columns for c in table.key):
        repeated = df[df.duplicated(list(table.key), keep=False)]
        if len(repeated):
            first = repeated.iloc[0][list(table.key)].tolist()
            raise SchemaError(f"table {name!r}: key {list(table.key)} is not unique ({len(repeated)} rows, e.g. {first})")
    return df


def empty(name: str, schema: Schema | None = None) -> pd.DataFrame:
    """An empty table with the schema's columns and dtypes."""
    schema = schema if schema is not None else TABLES[name].columns
    dtypes = {"str": "object", "int": "int64", "float": "float64", "bool": "bool"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[k]) for c, k in schema.items()})


# Multi-valued cells (also, landelijke_prioriteiten, top3, ...) join their values with '|'.
def split_labels(cell: object, sep: str = "|") -> list[str]:
    """The values of a multi-valued cell ("a|b", "GM0001;GM0002"); empty for NaN/""."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [part.strip() for part in str(cell).split(sep) if part.strip()]
