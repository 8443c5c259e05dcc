"""report.html as a person sees it: Debian's chromium renders it headless, offline.

Checks: a screenshot with content, the key sections in the rendered DOM, no console
messages (CSP violations and script errors land there) and no network request made by the
page (Chromium's NetLog: requests whose isolation key is the file:// page). A control page
with one remote image proves that the network check does see requests. Then, driven over the
DevTools protocol like a person would use it: the intervals on screen, the annex filtered by
gemeente, thema and low confidence and sorted by a column, with JavaScript on; and with
JavaScript off, the annex as a plain complete list.
Chromium comes from `scripts/ensure-chromium.sh` (run by `make test`); without it this skips.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from ivpcorpus.analyse import REVIEW_THRESHOLD
from ivpcorpus.report import SYNTHETIC_NOTICE, write_report
from test_report import INTERVAL, SECTION_TITLES, report_tables

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
    assert dom.count("<script") == 1  # the annex script; the planted one stayed text (serialised escaped)
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


class Browser:
    """Headless chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
    commands on fd 3, replies on fd 4), so a test can type, click and read the page like a person,
    and see every request and console message the page makes. No port, no websocket library."""

    def __init__(self, tmp: Path, *, javascript: bool = True, width: int = 1366, height: int = 900):
        if CHROMIUM is None:
            pytest.skip("Debian's chromium is not installed (scripts/ensure-chromium.sh needs root)")
        profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp))
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
                                         "about:blank"], preexec_fn=child_fds, pass_fds=(3, 4),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer, self._next_id, self.events = b"", 0, []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        if not javascript:
            self.send("Emulation.setScriptExecutionDisabled", session=True, value=True)

    def _message(self, timeout: float = 60.0) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], timeout)
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, *, session: bool = False, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open(self, page: Path) -> None:
        self.send("Page.navigate", session=True, url=page.as_uri())
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._message())

    def run(self, expression: str):
        """The value of a JavaScript expression in the page (exceptions fail the test)."""
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", session=True, **params)["data"]))
        return path

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console(self) -> list[str]:
        kinds = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
        return [json.dumps(e["params"])[:300] for e in self.events if e.get("method") in kinds]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        self.process.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def varied(shared_dir, tmp_path_factory):
    """The real gold plans with some labels automatic and uncertain, as a corpus before review has them."""
    out = tmp_path_factory.mktemp("browser-varied")
    tables = report_tables(shared_dir, synthetic=True)
    speerpunten = tables["speerpunten"]
    uncertain = speerpunten.index % 7 == 3
    speerpunten.loc[uncertain, "label_source"] = "model"
    speerpunten.loc[uncertain, "label_confidence"] = 0.42 + (speerpunten.index[uncertain] % 5) / 20
    paths = write_report(tables, out, synthetic=True, pdf=False)
    return paths["html"], out, tables


@pytest.fixture
def browser(varied):
    _, out, _ = varied
    session = Browser(out)
    yield session
    session.close()


ANNEX_STATE = """(() => {
  const plans = [...document.querySelectorAll('#annex-plans article.plan')];
  const visible = plans.filter(p => !p.hidden);
  return {plans: plans.length, visible: visible.map(p => p.querySelector('h3').textContent),
          rows: visible.flatMap(p => [...p.querySelectorAll('tbody tr')].filter(r => !r.hidden)
                                      .map(r => ({thema: r.dataset.thema, low: r.dataset.low,
                                                  confidence: r.cells[4].textContent}))),
          count: document.getElementById('annex-count').textContent,
          tools: !document.getElementById('annex-tools').hidden};
})()"""


def _set(browser: Browser, element: str, prop: str, value, event: str) -> dict:
    browser.run(f"(() => {{ const e = document.getElementById('{element}'); e.{prop} = {json.dumps(value)}; "
                f"e.dispatchEvent(new Event('{event}')); }})()")
    return browser.run(ANNEX_STATE)


def test_intervals_are_on_screen(browser, varied):
    html, out, tables = varied
    browser.open(html)
    text = browser.run("document.getElementById('landelijk').innerText")
    veld = tables["analysis_veld"].iloc[0]
    expected = f"{veld.share * 100:.0f}% ({veld.share_low * 100:.0f}–{veld.share_high * 100:.0f}%)"
    assert expected in text
    assert len(INTERVAL.findall(browser.run("document.getElementById('kernbevindingen').innerText"))) >= 5
    assert browser.run("document.querySelectorAll('svg path.interval').length") > 10
    assert "Betrouwbaarheid" in browser.run("document.getElementById('methode').innerText")
    shot = browser.screenshot(out / "report-laptop.png")  # kept for a person to look at
    assert Image.open(shot).size == (1366, 900)
    assert browser.requests() == [html.as_uri()] and browser.console() == []


def test_annex_filters_by_gemeente_thema_and_low_confidence(browser, varied):
    html, out, tables = varied
    browser.open(html)
    state = browser.run(ANNEX_STATE)
    n_items = len(tables["speerpunten"])
    assert state["tools"] and len(state["visible"]) == state["plans"] == len(tables["analysis_plans"])
    assert len(state["rows"]) == n_items and state["count"].endswith(f"{n_items} van {n_items} speerpunten zichtbaar")

    name = sorted(state["visible"])[len(state["visible"]) // 2]
    gemeente = name.split(" (")[0].split(";")[0]
    state = _set(browser, "annex-search", "value", gemeente, "input")
    assert state["visible"] and all(gemeente in v for v in state["visible"])
    assert len(state["visible"]) < state["plans"]

    _set(browser, "annex-search", "value", "", "input")
    thema = tables["analysis_thema"]["thema"].iloc[0]
    state = _set(browser, "annex-thema", "value", thema, "change")
    assert state["rows"] and all(thema in r["thema"].split("|") for r in state["rows"])
    speerpunten = tables["speerpunten"]
    on_thema = speerpunten["thema"].eq(thema) | speerpunten["also"].fillna("").str.split("|").map(lambda a: thema in a)
    assert len(state["rows"]) == int(on_thema.sum())

    _set(browser, "annex-thema", "value", "", "change")
    state = _set(browser, "annex-low", "checked", True, "change")
    low = (speerpunten["label_source"] != "review") & (speerpunten["label_confidence"] < REVIEW_THRESHOLD)
    assert len(state["rows"]) == int(low.sum()) > 0
    assert all(float(r["confidence"].replace(",", ".")) < REVIEW_THRESHOLD for r in state["rows"])
    browser.run("document.getElementById('annex-tools').scrollIntoView()")
    browser.screenshot(out / "annex-low-confidence.png")
    assert browser.requests() == [html.as_uri()] and browser.console() == []


def test_annex_sorts_plans_and_columns(browser, varied):
    html, _, _ = varied
    browser.open(html)
    names = "[...document.querySelectorAll('#annex-plans article.plan h3')].map(h => h.textContent)"
    alphabetical = browser.run(names)
    _set(browser, "annex-sort", "value", "n", "change")
    counts = browser.run("[...document.querySelectorAll('#annex-plans article.plan')].map(p => "
                         "p.querySelectorAll('tbody tr').length)")
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    # the plan with the most speerpunten is now first: sort its table by a column
    table = "document.querySelector('#annex-plans article.plan table')"
    confidence = "[...%s.tBodies[0].rows].map(r => parseFloat(r.cells[4].dataset.value))" % table
    click = f"{table}.tHead.rows[0].cells[{{column}}].querySelector('button').click()"
    browser.run(click.format(column=4))
    ascending = browser.run(confidence)
    assert ascending == sorted(ascending) and len(set(ascending)) > 1
    assert browser.run(f"{table}.tHead.rows[0].cells[4].getAttribute('aria-sort')") == "ascending"
    browser.run(click.format(column=4))
    assert browser.run(confidence) == sorted(ascending, reverse=True)
    browser.run(click.format(column=1))
    texts = browser.run("[...%s.tBodies[0].rows].map(r => r.cells[1].textContent)" % table)
    assert texts == sorted(texts, key=lambda t: (t.lower(), t))
    _set(browser, "annex-sort", "value", "name", "change")
    assert browser.run(names) == alphabetical  # back to the printed order
    assert browser.requests() == [html.as_uri()] and browser.console() == []


def test_without_javascript_the_annex_is_a_plain_complete_list(varied):
    html, out, tables = varied
    session = Browser(out, javascript=False)
    try:
        session.open(html)
        state = session.run(ANNEX_STATE)
        assert not state["tools"]  # the controls need the script: hidden without it
        assert len(state["visible"]) == len(tables["analysis_plans"]) and len(state["rows"]) == len(tables["speerpunten"])
        assert session.run("document.querySelectorAll('th button.sort').length") == 0
        assert session.requests() == [html.as_uri()]
    finally:
        session.close()
