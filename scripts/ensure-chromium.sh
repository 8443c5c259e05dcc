#!/usr/bin/env bash
# Make Debian's chromium available for the browser test of the report (tests/test_report_browser.py).
# Only the distribution's package is used, never a downloaded browser build. Without root (a user's
# own machine) nothing is installed and the browser test skips with its reason.
set -u
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "ensure-chromium: chromium is missing and this is not root; the browser test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
    echo "ensure-chromium: could not install chromium; the browser test will be skipped" >&2
fi
exit 0
