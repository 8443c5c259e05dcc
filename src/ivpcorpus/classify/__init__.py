"""Classify speerpunten with the codebook (issue 6)."""
