"""Errors a user can fix: bad input files or options. The CLI prints their (Dutch) message and
exits with code 2, never a traceback, and nothing already stored is touched."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")


class InputError(ValueError):
    """Input that cannot be used as given; the message says what is wrong and what to do."""


class ReviewError(InputError):
    """A filled-in review sheet that cannot be imported; the message names the rows."""


def per_document(doc_ids: Iterable[str], work: Callable[[str], T]) -> tuple[dict[str, T], pd.DataFrame]:
    """`work(doc_id)` for every document; one that raises becomes a failure row (doc_id, reason)
    and the others go on, so one bad document never stops a national run. Returns the results by
    doc_id and the failures (the caller names the stage in the `errors` table)."""
    results, failures = {}, []
    for doc_id in doc_ids:
        try:
            results[doc_id] = work(doc_id)
        except Exception as error:  # whatever a document makes a stage raise, the others go on
            failures.append({"doc_id": doc_id, "reason": f"{type(error).__name__}: {error}"})
    return results, pd.DataFrame(failures, columns=["doc_id", "reason"])
