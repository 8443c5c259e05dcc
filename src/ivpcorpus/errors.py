"""Errors a user can fix: bad input files or options. The CLI prints their (Dutch) message and
exits with code 2, never a traceback, and nothing already stored is touched."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be used as given; the message says what is wrong and what to do."""
