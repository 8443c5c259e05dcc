"""Errors a user can fix: bad input files or options. The CLI prints their (Dutch) message and
exits with code 2, never a traceback, and nothing already stored is touched."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")


class InputError(ValueError):
    """Input that cannot be used as given; the message says what is wrong and what to do."""


class ReviewError(InputError):
    """A filled-in review sheet that cannot be imported; the message names the rows."""


def per_document(table: pd.DataFrame, work: Callable[[pd.DataFrame], T]) -> tuple[dict[str, T], pd.DataFrame]:
    """`work(rows)` for the rows of every document of `table` (by doc_id, in table order); one
    that raises becomes a failure row (doc_id, reason) and the others go on, so one bad document
    never stops a national run. Returns the results by doc_id and the failures (the caller names
    the stage in the `errors` table)."""
    results, failures = {}, []
    for doc_id, rows in table.groupby("doc_id", sort=False):
        try:
            results[doc_id] = work(rows)
        except Exception as error:  # whatever a document makes a stage raise, the others go on
            failures.append({"doc_id": doc_id, "reason": f"{type(error).__name__}: {error}"})
    return results, pd.DataFrame(failures, columns=["doc_id", "reason"])
