"""report.html as a person sees it: Debian's chromium renders it headless, offline.

Checks: a screenshot with content, the key sections in the rendered DOM, no console
messages (CSP violations and script errors land there) and no network request made by the
page (Chromium's NetLog: requests whose isolation key is the file:// page). A control page
with one remote image proves that the network check does see requests.
Chromium comes from `scripts/ensure-chromium.sh` (run by `make test`); without it this skips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from ivpcorpus.report import SYNTHETIC_NOTICE, write_report
from test_report import SECTION_TITLES, report_tables

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


def open_page(page: Path, tmp: Path, *extra: str) -> tuple[str, list[str], list[str]]:
    """Load a file in headless chromium; return its stdout, console lines and the page's network requests."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/ensure-chromium.sh needs root)")
    run_dir = Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp))  # a fresh profile per launch
    profile, netlog = run_dir / "profile", run_dir / "netlog.json"
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *extra,
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own update pings have another isolation key)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [e["params"]["url"] for e in log["events"] if e["type"] == start
            and e.get("params", {}).get("network_isolation_key", "").startswith("file://")]


@pytest.fixture(scope="module")
def rendered(shared_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    paths = write_report(report_tables(shared_dir, synthetic=True), out, synthetic=True, pdf=False)
    return paths["html"], out


def test_report_renders_offline_without_errors(rendered):
    html, out = rendered
    dom, console, requests = open_page(html, out, "--dump-dom")
    assert console == [] and requests == []
    for title in SECTION_TITLES:
        assert title in dom
    assert SYNTHETIC_NOTICE in dom
    assert "<script" not in dom  # the planted script stayed text (the DOM serialises it escaped)
    assert "&lt;script&gt;document.title" in dom


def test_screenshot_shows_the_report(rendered):
    html, out = rendered
    shot = out / "report.png"  # kept in pytest's tmp folder for a person to look at
    _, console, requests = open_page(html, out, "--window-size=1366,2000", f"--screenshot={shot}")
    assert console == [] and requests == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1366, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, charts and the banner, not a blank page
    banner = image.getpixel((683, 8))
    assert banner[0] > 180 and banner[2] < 80  # the orange synthetic banner on top


def test_control_page_with_a_remote_image_is_caught(tmp_path):
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><p>controle</p><img src="http://127.0.0.1:9/x.png">', encoding="utf-8")
    _, _, requests = open_page(page, tmp_path, "--dump-dom")
    assert "http://127.0.0.1:9/x.png" in requests
