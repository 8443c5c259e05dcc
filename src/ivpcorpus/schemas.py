"""Table schemas: the contract between stages.

Every table that crosses a stage boundary is a pandas DataFrame with (at least) the columns
listed here, keyed by doc_id / page / block_id and carrying provenance. `validate` is called
where a stage hands a table on and where the store writes it, so a broken stage fails with a
clear message at the boundary instead of three stages later.

Multi-valued cells (municipalities, also, landelijke_prioriteiten) are strings joined with
`;` (CBS codes) or `|` (labels), so the tables stay flat for CSV, Excel and SQL.
"""

from __future__ import annotations

import pandas as pd

# kind: "str" (nullable text), "int", "float", "bool"
Schema = dict[str, str]

SCHEMAS: dict[str, Schema] = {
    # One row per input file (also the files that failed).
    "documents": {
        "doc_id": "str", "source_file": "str", "path": "str", "sha256": "str", "format": "str",
        "pages": "int", "title": "str", "municipalities": "str", "period": "str",
        "status": "str", "reason": "str",
        "ocr_pages": "int",  # pages read by OCR (scans without a text layer)
    },
    # One row per page: plain text after header/footer removal, and a quality flag.
    "pages": {
        "doc_id": "str", "page": "int", "text": "str", "n_chars": "int", "quality": "str",
    },
    # One row per layout block, in reading order (block_id is the order within the document);
    # ocr: the text was read from the page's image by OCR (PDF scans), not from a text layer.
    "blocks": {
        "doc_id": "str", "block_id": "int", "page": "int", "kind": "str", "level": "int",
        "text": "str", "x0": "float", "top": "float", "x1": "float", "bottom": "float", "ocr": "bool",
    },
    # Anything that went wrong, with the stage and a reason in plain words.
    "errors": {"doc_id": "str", "source_file": "str", "stage": "str", "reason": "str"},
    # One row per speerpunt (priority) or second-tier theme found in a plan.
    "speerpunten": {
        "item_id": "str", "doc_id": "str", "source_file": "str", "municipalities": "str", "period": "str",
        "level": "str", "text": "str", "context": "str", "page": "int", "evidence": "str",
        "confidence": "float",
    },
}

# Columns the classification stage adds to `speerpunten` (label_* so they do not collide with
# the finder's own confidence/evidence).
LABEL_COLUMNS: Schema = {
    "thema": "str", "also": "str", "veld": "str", "landelijke_prioriteiten": "str",
    "label_confidence": "float", "top3": "str", "label_evidence": "str", "label_source": "str",
}

DOCUMENT_STATUSES = ("ok", "warning", "error")
BLOCK_KINDS = ("heading", "paragraph", "list_item", "table_row")
PAGE_QUALITIES = ("ok", "low_quality", "needs_ocr", "empty")
LEVELS = ("prioriteit", "overig_thema")


class SchemaError(ValueError):
    """A table does not have the columns or types its stage promised."""


_CHECKS = {
    "str": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s) or s.isna().all(),
    "int": pd.api.types.is_integer_dtype,
    "float": lambda s: pd.api.types.is_float_dtype(s) or pd.api.types.is_integer_dtype(s),
    "bool": pd.api.types.is_bool_dtype,
}


def validate(name: str, df: pd.DataFrame, schema: Schema | None = None) -> pd.DataFrame:
    """Check that `df` carries the columns of table `name` with the right kinds; return it."""
    schema = schema if schema is not None else SCHEMAS[name]
    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r}: missing column(s) {missing}; has {list(df.columns)}")
    wrong = [f"{c} (expected {k}, got {df[c].dtype})" for c, k in schema.items() if len(df) and not _CHECKS[k](df[c])]
    if wrong:
        raise SchemaError(f"table {name!r}: wrong type for {', '.join(wrong)}")
    return df


def empty(name: str, schema: Schema | None = None) -> pd.DataFrame:
    """An empty table with the schema's columns and dtypes."""
    schema = schema if schema is not None else SCHEMAS[name]
    dtypes = {"str": "object", "int": "int64", "float": "float64", "bool": "bool"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[k]) for c, k in schema.items()})
