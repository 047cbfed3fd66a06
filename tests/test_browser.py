"""The built book in a real browser (Debian's headless Chromium, driven by
Playwright): every page in the table of contents is reachable from the front
page, loads without JavaScript errors, typesets its math, shows its figures,
and renders its exercises. MathJax, normally fetched from a CDN, is served
from a local npm copy because this machine is offline.

Screenshots land in ``_build/screenshots/`` for a human look. The book is
(re)built first when ``_build/html`` is missing or older than its sources.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support import need
from test_book import toc_files

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
MATHJAX_CACHE = ROOT / ".cache" / "mathjax"


def _sources_mtime() -> float:
    paths = [ROOT / "_config.yml", ROOT / "_toc.yml", *ROOT.glob("book/*"), *ROOT.glob("convlab/**/*.py")]
    return max(p.stat().st_mtime for p in paths if p.is_file())


@pytest.fixture(scope="session")
def built_book() -> Path:
    stamp = HTML / ".buildinfo"          # rewritten by every build (index.html is only a redirect)
    if not (HTML / "index.html").exists() or not stamp.exists() or stamp.stat().st_mtime < _sources_mtime():
        jb = Path(sys.executable).with_name("jupyter-book")
        run = subprocess.run([str(jb), "build", str(ROOT), "--all", "-W", "--keep-going"],
                             capture_output=True, text=True)
        assert run.returncode == 0, f"book build failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return HTML


@pytest.fixture(scope="session")
def mathjax() -> Path:
    es5 = MATHJAX_CACHE / "node_modules" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").exists():
        npm = shutil.which("npm")
        need(npm is not None, "npm is needed to fetch a local copy of mathjax@3")
        MATHJAX_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(MATHJAX_CACHE),
                        "mathjax@3"], check=True, timeout=300)
    return es5


@pytest.fixture(scope="session")
def server(built_book):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_book))

    class Quiet(handler.func):  # type: ignore[name-defined]
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_book)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def page(browser, mathjax, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" else None)

    def route(r):
        url = r.request.url
        if url.startswith(server):
            return r.continue_()
        if "mathjax@3/es5/" in url:
            local = mathjax / url.split("mathjax@3/es5/", 1)[1].split("?")[0]
            return r.fulfill(path=str(local)) if local.exists() else r.abort()
        return r.abort()  # offline: anything else external (thebe, fonts) is not part of the test

    pg.route("**/*", route)
    pg.problems = problems
    yield pg
    context.close()


PAGES = toc_files()


def _url(server, entry: str) -> str:
    return f"{server}/{entry}.html"


def test_every_page_is_reachable_from_the_front_page(page, server):
    page.goto(f"{server}/index.html")          # redirects to the root document
    page.wait_for_url(_url(server, PAGES[0]))
    page.wait_for_load_state("load")
    hrefs = page.eval_on_selector_all("nav a[href], .bd-sidebar a[href], a.reference.internal[href]",
                                      "els => els.map(e => e.href)")
    linked = {h.split("#")[0] for h in hrefs}
    for entry in PAGES:
        assert _url(server, entry) in linked, f"{entry} is not linked from the front page"


@pytest.mark.parametrize("entry", PAGES)
def test_page_renders(page, server, entry):
    response = page.goto(_url(server, entry), wait_until="load")
    assert response is not None and response.ok, f"{entry}: HTTP {response and response.status}"
    has_math = page.evaluate("document.querySelector('.math, div.math, span.math') !== null")
    if has_math:
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("MathJax.startup.promise")
        page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=20000)
        errors = page.evaluate("document.querySelectorAll('mjx-merror, .MathJax_Error').length")
        assert errors == 0, f"{entry}: {errors} formulas failed to typeset"
        raw = page.evaluate("Array.from(document.querySelectorAll('.math')).filter("
                            "e => !e.querySelector('mjx-container')).length")
        assert raw == 0, f"{entry}: {raw} formulas left untypeset"
    # every image decoded and non-empty
    page.evaluate("Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))")
    broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                           ".map(i => i.src.slice(0, 80))")
    assert not broken, f"{entry}: images that did not load: {broken}"
    body = page.inner_text("article, main")
    assert "Traceback (most recent call last)" not in body, f"{entry}: a traceback is shown"
    if entry.split("/")[-1][:2].isdigit():  # a chapter
        assert page.evaluate("document.images.length") > 0, f"{entry}: a chapter without a single figure"
        assert has_math, f"{entry}: a chapter without mathematics"
        n_ex = page.evaluate("document.querySelectorAll('.exercise').length")
        n_sol = page.evaluate("document.querySelectorAll('.solution, details.solution, .dropdown.solution').length")
        assert n_ex >= 3 and n_sol >= 1, f"{entry}: {n_ex} exercises, {n_sol} solutions rendered"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (entry.replace("/", "_") + ".png")), full_page=False)
    assert not page.problems, f"{entry}: {page.problems}"
