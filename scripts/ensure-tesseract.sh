#!/usr/bin/env bash
# Make Debian's tesseract with its Dutch data available for OCR of scanned PDF pages (optional at run
# time; tests/test_extract_ocr.py reads a scanned demo plan with it). Only the distribution's packages
# are used. Without root (a user's own machine) nothing is installed and the OCR test skips with its
# reason; scanned pages are then flagged "OCR nodig".
set -u
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx nld; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure-tesseract: tesseract with Dutch (nld) is missing and this is not root; the OCR test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-nld >/dev/null; }; then
    echo "ensure-tesseract: could not install tesseract-ocr-nld; the OCR test will be skipped" >&2
fi
exit 0
