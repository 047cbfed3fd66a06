"""The built book in a real browser (Debian's headless Chromium, driven by
Playwright): every page in the table of contents is reachable from the front
page, loads without JavaScript errors, typesets its math, shows its figures,
and renders its exercises.

The browser is offline, as a reader on a train is: every request for a URL
that is not the local server's is refused (nothing is served in its place)
and recorded, and a page that made one fails. So every built page, the index
and search pages too, must typeset its math with the MathJax copy inside the
built book (book/_ext/convlab_book.py puts it there) and must need nothing
else from outside; the index explorers and the animations must work there.

Screenshots land in ``_build/screenshots/`` for a human look. The book is
(re)built first when ``_build/html`` is missing or older than its sources.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from test_book import toc_files
from test_explorer import _footprint, _highlighted, _set

import convlab
from convlab import indexing

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
#: URL schemes that never leave the browser
IN_BROWSER = ("data:", "blob:", "about:")


def _sources_mtime() -> float:
    paths = [ROOT / "_config.yml", ROOT / "_toc.yml", *ROOT.glob("book/*"), *ROOT.glob("book/_ext/*.py"),
             *ROOT.glob("convlab/**/*.py")]
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


def built_pages(html: Path) -> list[str]:
    """Every HTML page of the built book, as a path below its root without '.html'."""
    return sorted(p.relative_to(html).with_suffix("").as_posix() for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith("_"))


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


def _offline_page(browser, server):
    """A page in a context of its own where every request outside `server` is refused and recorded
    (pg.external); JavaScript exceptions and console errors are collected in pg.problems."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)     # a long chapter on a busy machine takes a while to typeset
    pg = context.new_page()
    problems: list[str] = []
    external: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
          if msg.type == "error" else None)

    def local(url: str) -> bool:
        return url == server or url.startswith(f"{server}/") or url.startswith(IN_BROWSER)

    context.on("request", lambda req: None if local(req.url) else external.append(req.url))
    context.route("**/*", lambda r: r.continue_() if local(r.request.url) else r.abort())
    pg.problems, pg.external = problems, external
    return context, pg


@pytest.fixture
def page(browser, server):
    context, pg = _offline_page(browser, server)
    yield pg
    context.close()


# Text that MathJax would have replaced, outside code: the delimiters Sphinx and myst-nb write
RAW_MATH = r"""() => {
    const skip = "pre, code, kbd, samp, script, style, textarea, mjx-container, .highlight";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement && !n.parentElement.closest(skip) && /\\\(|\\\[|\$\$/.test(n.data)) {
            raw.push(n.data.trim().slice(0, 60));
        }
    }
    return raw;
}"""


def load_offline(page, server, entry: str) -> dict:
    """Load a built page with the network cut off and let MathJax finish; return what a test checks:
    'mathjax' (the script's URL or None), 'math' (formulas Sphinx marked), 'typeset' (formulas
    MathJax drew), 'untypeset' (marked formulas it did not draw), 'errors' (its error boxes) and
    'raw' (TeX delimiters left in the text outside code)."""
    response = page.goto(f"{server}/{entry}.html", wait_until="load")
    assert response is not None and response.ok, f"{entry}: HTTP {response and response.status}"
    if 'http-equiv="refresh"' in (HTML / f"{entry}.html").read_text().lower():
        page.wait_for_url(lambda url: not url.endswith(f"/{entry}.html"))   # a redirect: check its target
        page.wait_for_load_state("load")
    script = page.evaluate("(document.querySelector('script[src*=\"mathjax\" i]') || {}).src || null")
    if script:
        try:
            page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=45_000)
        except Exception:                   # playwright's TimeoutError: the page's failure, said plainly
            pytest.fail(f"{entry}: MathJax ({script}) did not start; requests refused: {page.external}")
        page.evaluate("MathJax.startup.promise")
    # the fonts MathJax asked for, then a moment for anything requested late (not "networkidle":
    # a playing animation swaps data: URLs for ever)
    page.evaluate("document.fonts.ready.then(() => null)")
    page.wait_for_timeout(500)
    return {
        "mathjax": script,
        "math": page.evaluate("document.querySelectorAll('.math').length"),
        "typeset": page.evaluate("document.querySelectorAll('mjx-container').length"),
        "untypeset": page.evaluate("Array.from(document.querySelectorAll('.math')).filter("
                                   "e => !e.querySelector('mjx-container')).length"),
        "errors": page.evaluate("document.querySelectorAll('mjx-merror, .MathJax_Error').length"),
        "raw": page.evaluate(RAW_MATH),
    }


def assert_offline_and_typeset(page, server, entry: str, state: dict) -> None:
    assert not page.external, f"{entry}: requests that would leave the machine: {sorted(set(page.external))}"
    assert not state["raw"], f"{entry}: TeX left untypeset in the text: {state['raw'][:5]}"
    if state["math"]:
        assert state["mathjax"] and state["mathjax"].startswith(f"{server}/_static/mathjax/"), \
            f"{entry}: MathJax comes from {state['mathjax']}, not the built book"
        assert state["typeset"] >= state["math"] > 0 and state["untypeset"] == 0, \
            f"{entry}: {state['untypeset']} of {state['math']} formulas left untypeset"
        assert state["errors"] == 0, f"{entry}: {state['errors']} formulas failed to typeset"


PAGES = toc_files()

#: Elements of a chapter whose content is wider than their box (2 px of rounding allowed).
WIDER_THAN_THE_COLUMN = """() => Array.from(document.querySelectorAll(
    '.cell_output pre, .cell_output table, mjx-container[display="true"], article img'))
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 2)
  .map(e => [e.tagName, e.scrollWidth, e.clientWidth, (e.textContent || '').trim().slice(0, 50)])"""


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
    state = load_offline(page, server, entry)
    assert_offline_and_typeset(page, server, entry, state)
    # every image decoded and non-empty
    page.evaluate("Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))")
    broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                           ".map(i => i.src.slice(0, 80))")
    assert not broken, f"{entry}: images that did not load: {broken}"
    body = page.inner_text("article, main")
    assert "Traceback (most recent call last)" not in body, f"{entry}: a traceback is shown"
    if entry.split("/")[-1][:2].isdigit():  # a chapter
        assert page.evaluate("document.images.length") > 0, f"{entry}: a chapter without a single figure"
        assert state["typeset"] > 0, f"{entry}: a chapter without mathematics"
        n_ex = page.evaluate("document.querySelectorAll('.exercise').length")
        n_sol = page.evaluate("document.querySelectorAll('.solution, details.solution, .dropdown.solution').length")
        assert n_ex >= 3 and n_sol >= 1, f"{entry}: {n_ex} exercises, {n_sol} solutions rendered"
        # nothing wider than its box: a printed output, a table or a display formula that scrolls
        # sideways is cut off in the page (and in print); laid-out elements only (clientWidth > 0),
        # so first every solution is opened as a reader opens it (its box is narrower)
        wide = page.evaluate(WIDER_THAN_THE_COLUMN)
        assert not wide, f"{entry}: content wider than the column (tag, content px, box px, text): {wide[:5]}"
        buttons = page.locator(".solution button.toggle-button")
        for i in range(buttons.count()):
            buttons.nth(i).click()
        hidden = page.evaluate("document.querySelectorAll('.solution .cell_output pre').length"
                               " - Array.from(document.querySelectorAll('.solution .cell_output pre'))"
                               ".filter(e => e.clientWidth > 0).length")
        assert hidden == 0, f"{entry}: {hidden} solution outputs still hidden after opening every solution"
        wide = page.evaluate(WIDER_THAN_THE_COLUMN)
        assert not wide, f"{entry}: opened solutions wider than their box (tag, content px, box px, text): {wide[:5]}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (entry.replace("/", "_") + ".png")), full_page=False)
    assert not page.problems, f"{entry}: {page.problems}"


def test_every_other_built_page_works_offline(page, server, built_book):
    """The pages outside the table of contents (the redirecting index, the general index, search)."""
    others = [entry for entry in built_pages(built_book) if entry not in PAGES]
    assert {"index", "genindex", "search"} <= set(others), others
    for entry in others:
        state = load_offline(page, server, entry)
        assert_offline_and_typeset(page, server, entry, state)
        assert not page.problems, f"{entry}: {page.problems}"
    if "search" in others:                 # the search runs on the built index, offline
        page.goto(f"{server}/search.html?q=stride", wait_until="load")
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=20000)
        assert not page.external, f"search: requests that would leave the machine: {page.external}"


def test_animations_play_offline(page, server):
    """matplotlib's players (inline script, frames as data: URLs) step through their frames offline."""
    players = 0
    for entry in PAGES:
        page.goto(f"{server}/{entry}.html", wait_until="load")
        for player in page.query_selector_all("div.animation"):
            players += 1
            image = player.query_selector("img")
            first = image.get_attribute("src")
            assert first and first.startswith("data:image/"), f"{entry}: a player without its first frame"
            player.query_selector("button[title='Next frame']").click()
            assert image.get_attribute("src") != first, f"{entry}: 'Next frame' did not change the frame"
    assert players >= 3, f"only {players} animation players in the book"
    assert not page.external, f"requests that would leave the machine: {sorted(set(page.external))}"
    assert not page.problems, page.problems


# --------------------------------------------------------------------------
# The index explorers on the built pages of chapters 2 and 7 (issue 11): their controls show
# convlab's output size, and pointing at an output cell lights exactly the cells that
# convlab's index map says feed it. The helpers are those of the stand-alone explorer tests.

# chapter -> (input side, transposed input side or None, settings to pick: mode, k, s, p, d);
# the first pick has the widest grids of the chapter's explorer, the last ones do not fit
EXPLORERS = {
    "book/02_conv2d": (6, None, [
        ("convolution", 1, 1, 2, 1), ("convolution", 2, 3, 0, 1), ("convolution", 3, 2, 0, 1),
        ("convolution", 3, 1, 2, 3), ("convolution", 4, 2, 1, 2), ("convolution", 4, 1, 0, 3)]),
    "book/07_transposed": (6, 3, [
        ("transposed convolution", 4, 3, 0, 2), ("convolution", 4, 2, 1, 1), ("convolution", 3, 3, 2, 2),
        ("transposed convolution", 3, 2, 1, 1), ("transposed convolution", 2, 3, 1, 1),
        ("convolution", 4, 1, 0, 2), ("transposed convolution", 2, 1, 2, 1)]),
}


@pytest.fixture
def chapter_page(browser, server):
    """A page of the built book, offline as above; only JavaScript exceptions are collected
    (pg.errors), and requests outside the server are refused and recorded (pg.external)."""
    context, pg = _offline_page(browser, server)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def _output_side(n, n_t, mode, k, s, p, d) -> int:
    transposed = mode != "convolution"
    try:
        return convlab.output_size(n_t if transposed else n, k, stride=s, padding=p, dilation=d,
                                   transposed=transposed)
    except ValueError:            # the kernel does not fit, or the padding crops every cell
        return 0


def _transposed_reads(n_t, k, s, p, d, out, o) -> list[int]:
    tmap = indexing.transposed_index_map((n_t, n_t), (k, k), stride=s, padding=p, dilation=d)
    return sorted({int(i[0]) * n_t + int(i[1]) for i, _tap in tmap.sources(divmod(o, out))})


def _fits_the_column(page, uid) -> bool:
    return page.evaluate("""uid => {
        const root = document.getElementById(uid);
        const column = root.closest("article") || document.querySelector("main");
        const right = Math.max(...Array.from(root.querySelectorAll(".cx-cell, button"))
                               .map(e => e.getBoundingClientRect().right));
        return right <= column.getBoundingClientRect().right + 0.5;
    }""", uid)


@pytest.mark.parametrize("entry", sorted(EXPLORERS))
def test_explorer_on_the_built_page(chapter_page, server, entry):
    page, (n, n_t, picks) = chapter_page, EXPLORERS[entry]
    page.goto(_url(server, entry), wait_until="load")
    uids = page.eval_on_selector_all(".cx-explorer", "els => els.map(e => e.id)")
    assert len(uids) == 1, f"{entry}: {len(uids)} explorers on the page"
    uid = uids[0]
    modes = page.eval_on_selector_all(f"#{uid} button[data-param='mode']", "els => els.map(e => e.dataset.value)")
    assert modes == (["convolution", "transposed convolution"] if n_t else ["convolution"])
    assert page.get_attribute(f"#{uid} .cx-size", "data-out") != "", f"{entry}: the explorer's script did not run"
    for number, (mode, k, s, p, d) in enumerate(picks):
        _set(page, uid, mode=mode, k=k, s=s, p=p, d=d)
        out = _output_side(n, n_t, mode, k, s, p, d)
        shown = int(page.get_attribute(f"#{uid} .cx-size", "data-out"))
        assert shown == out, f"{entry}, {mode} k={k} s={s} p={p} d={d}: shows {shown}, convlab says {out}"
        assert page.eval_on_selector_all(f"#{uid} .cx-right .cx-cell", "els => els.length") == out * out
        if number == 0:
            assert _fits_the_column(page, uid), f"{entry}: the explorer's widest state runs off the page"
        for o in sorted({0, out * (out // 2) + out // 2, out * out - 1}) if out else ():
            page.hover(f"#{uid} .cx-right .cx-cell[data-index='{o}']")
            want = (_footprint(n, k, s, p, d, o) if mode == "convolution"
                    else _transposed_reads(n_t, k, s, p, d, out, o))
            assert _highlighted(page, uid) == want, f"{entry}, {mode} k={k} s={s} p={p} d={d}, output {o}"
    assert not page.errors, f"{entry}: {page.errors}"
    assert not page.external, f"{entry}: requests that would leave the machine: {sorted(set(page.external))}"
