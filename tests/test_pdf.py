"""`make pdf`: the whole book as one PDF (XeLaTeX), read back with poppler's
pdftotext/pdfimages. Every chapter of the table of contents is in it under its
title, with at least one figure; the bibliography is in it; every character
the chapters use was typeset (none missing from the fonts); no object's
repr, raw HTML fallback or escaped Unicode leaked into the text; and the
chapters carry the web's numbers (1-9 in file order, the notation page and the
bibliography unnumbered).

The PDF is built once, through `make pdf`, when _build/latex has none newer
than the sources. Without xelatex/latexmk or poppler-utils the tests skip,
except under CI, where .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from support import IN_CI
from test_book import toc_files
from test_lab import installed_extras

ROOT = Path(__file__).resolve().parents[1]
LATEX = ROOT / "_build" / "latex"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
NAME = Path(CONFIG["latex"]["latex_documents"]["targetname"]).stem
PDF, TEX, LOG = (LATEX / f"{NAME}{ext}" for ext in (".pdf", ".tex", ".log"))
BUILD_TIMEOUT = 3600
# what must never reach the printed text: reprs, the animation's text/plain, escapes
LEAKS = {
    "an IPython object's repr": r"<IPython\.",
    "a memory address": r"object at 0x[0-9a-fA-F]+",
    "the HTMLAnimation repr": r"<HTMLAnimation",
    "an animation's text/plain instead of its still": r"Animation: \d+ frames",
    "a matplotlib figure's repr": r"<Figure size",
    "a literal \\u escape": r"\\u[0-9a-fA-F]{4}",
}


def _need(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{why} (required in CI; .ci/run installs it)", pytrace=False)
        pytest.skip(why)


def _sources_mtime() -> float:
    paths = [ROOT / "_config.yml", ROOT / "_toc.yml", *ROOT.glob("book/*"), *ROOT.glob("convlab/**/*.py")]
    return max(p.stat().st_mtime for p in paths if p.is_file())


def _env(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return env | changes


def _make(*args: str, env: dict | None = None, keep_stamp: bool = False,
          timeout: float = 60) -> subprocess.CompletedProcess:
    """`make` at the root with the EXTRAS the .venv was installed with (keep_stamp: and
    without reinstalling even if the stamp is stale)."""
    extras = installed_extras()
    cmd = [shutil.which("make") or "make", "--no-print-directory", *args]
    if extras:
        cmd.append(f"EXTRAS={extras}")
    if keep_stamp:
        cmd += ["-o", f".venv/.installed-{(extras or 'book,test').replace(',', '-')}"]
    return subprocess.run(cmd, cwd=ROOT, env=env or _env(), capture_output=True, text=True, timeout=timeout)


def _plain(text: str) -> str:
    """Letters and digits only, case-folded: line breaks, hyphenation and typography do not matter."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def chapter_title(entry: str) -> str:
    """A table-of-contents entry's first `# ` heading."""
    path = next(ROOT / f"{entry}{ext}" for ext in (".ipynb", ".md") if (ROOT / f"{entry}{ext}").exists())
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text()
    return re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()


def printed_characters(entry: str) -> set[str]:
    """The non-ASCII characters of a chapter's markdown and code, which print as typed."""
    path = ROOT / f"{entry}.ipynb"
    if not path.exists():
        return set()
    cells = json.loads(path.read_text())["cells"]
    return {ch for c in cells for ch in "".join(c["source"]) if ord(ch) > 127 and not ch.isspace()}


def _why(log: str) -> str:
    """The part of a failed build's output that says why: the failing cell, LaTeX's first error."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", log)
    for marker in ("An error occurred while executing the following cell", "\n! ", "WARNING:", "ERROR:"):
        if (at := log.find(marker)) >= 0:
            return log[max(0, at - 200):at + 2500]
    return log[-3000:]


@pytest.fixture(scope="module")
def pdf() -> Path:
    _need(shutil.which("xelatex") is not None and shutil.which("latexmk") is not None,
          "xelatex and latexmk are not installed (`make pdf` names the Debian packages)")
    _need(shutil.which("pdftotext") is not None and shutil.which("pdfimages") is not None,
          "pdftotext and pdfimages are not installed (Debian's poppler-utils)")
    if not PDF.exists() or PDF.stat().st_mtime < _sources_mtime():
        run = _make("pdf", timeout=BUILD_TIMEOUT)
        assert run.returncode == 0, f"make pdf failed:\n{_why(run.stdout + run.stderr)}"
    assert PDF.exists(), f"make pdf made no {PDF.relative_to(ROOT)}"
    return PDF


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def chapters_tex(pdf) -> dict[str, str]:
    """The LaTeX source cut at its chapters: plain title -> that chapter's source."""
    parts = re.split(r"^\\chapter\{(.*)\}$", TEX.read_text(), flags=re.M)
    return {_plain(re.sub(r"\\[a-zA-Z]+(\{\})?", "", title)): body for title, body in zip(parts[1::2], parts[2::2])}


def test_make_pdf_names_the_apt_packages_when_tex_is_missing(tmp_path):
    run = _make("pdf", env=_env(PATH=str(tmp_path)), keep_stamp=True)     # no xelatex, no latexmk
    assert run.returncode != 0
    tex_apt = re.search(r"^TEX_APT := (.+)$", (ROOT / "Makefile").read_text(), flags=re.M).group(1)
    assert f"apt-get install --no-install-recommends {tex_apt}" in run.stdout
    assert "texlive-full" not in tex_apt and "texlive-fonts-extra" not in tex_apt


def test_every_chapter_is_in_it_under_its_title(text, chapters_tex):
    plain = _plain(text)
    for entry in toc_files()[1:]:                     # the root page is the front matter
        title = chapter_title(entry)
        assert _plain(title) in plain, f"{entry}: the title {title!r} is not in the PDF"
        assert _plain(title) in chapters_tex, f"{entry}: {title!r} is not a chapter of {TEX.name}"


def expected_number(entry: str) -> int | None:
    """A chapter's number on the web and in print: book/NN_*.ipynb is chapter NN; the root page,
    the notation page and the bibliography have none."""
    found = re.fullmatch(r"book/(\d\d)_\w+", entry)
    return int(found.group(1)) if found and (ROOT / f"{entry}.ipynb").exists() else None


def printed_contents() -> list[tuple[int | None, str]]:
    """The PDF's contents, chapter by chapter, as LaTeX numbered them: (number or None, plain title)."""
    toc = (LATEX / f"{NAME}.toc").read_text()
    rows = re.findall(r"^\\contentsline \{chapter\}\{(?:\\numberline \{(\d+)\})?(.*)\}\{[^{}]*\}\{[^{}]*\}%?$",
                      toc, flags=re.M)
    return [(int(n) if n else None, _plain(re.sub(r"\\[a-zA-Z]+ ?(\{\})?", "", title))) for n, title in rows]


def test_chapters_are_numbered_as_on_the_web(pdf, text):
    want = [(expected_number(entry), _plain(chapter_title(entry))) for entry in toc_files()[1:]]
    numbers = [n for n, _ in want if n]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 9, numbers
    assert printed_contents() == want, "the PDF's contents do not number the chapters 1-9 in file order"
    # what the reader sees: the running head of a chapter's pages, e.g. "Chapter 4. Multiple channels"
    plain = _plain(text)
    for number, title in want:
        if number:
            assert f"chapter{number}{title}" in plain, f"no page is headed 'Chapter {number}. {title}'"


def test_the_bibliography_is_in_it(text):
    bib = (ROOT / "book" / "references.bib").read_text()
    entries = re.findall(r"^@\w+\{", bib, flags=re.M)
    # a title's TeX: commands (\\texttt) dropped, escaped characters (\\_) kept, braces dropped
    titles = [re.sub(r"\\[a-zA-Z]+|\\(.)|[{}]", lambda m: m.group(1) or "", t)
              for t in re.findall(r"^\s*title\s*=\s*\{(.+)\},?\s*$", bib, flags=re.M)]
    assert len(titles) == len(entries) > 0
    assert "Bibliography" in text
    plain = _plain(text)
    missing = [t for t in titles if _plain(t) not in plain]
    assert not missing, f"bibliography entries not in the PDF: {missing}"
    assert len(re.findall(r"\\bibitem", TEX.read_text())) == len(entries)


def test_every_chapter_has_a_figure(pdf, chapters_tex):
    notebooks = [e for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]
    included = 0
    for entry in notebooks:
        body = chapters_tex[_plain(chapter_title(entry))]
        n = len(re.findall(r"\\sphinxincludegraphics", body))
        assert n >= 1, f"{entry}: no figure in the PDF"
        included += n
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True,
                             timeout=120).stdout.splitlines()[2:]
    images = [row for row in listing if row.split()[2] == "image"]
    assert len(images) >= included, f"{len(images)} images in the PDF, {included} included by the LaTeX"


def test_animations_print_as_stills(chapters_tex):
    """A chapter with an animation prints its PNG still (and, per LEAKS, not its text)."""
    for entry in toc_files():
        path = ROOT / f"{entry}.ipynb"
        if not path.exists() or "animation(" not in path.read_text():
            continue
        body = chapters_tex[_plain(chapter_title(entry))]
        assert "sphinxincludegraphics" in body and "<script" not in body, entry


@pytest.mark.parametrize("what", sorted(LEAKS))
def test_nothing_leaks_into_the_text(text, what):
    found = re.findall(rf".{{0,60}}{LEAKS[what]}.{{0,60}}", text)
    assert not found, f"{what} in the PDF: {found[:3]}"


def test_every_character_typesets(text):
    log = LOG.read_text(errors="replace")
    missing = sorted(set(re.findall(r"Missing character: There is no (.+?) in font", log)))
    assert not missing, f"glyphs missing from the fonts: {missing}"
    printed = set(unicodedata.normalize("NFKC", text))
    used = set().union(*(printed_characters(e) for e in toc_files()))
    # Sphinx's LaTeX writer draws these with math symbols, which read back as their neighbours
    drawn_as = {"✔": "✓", "✖": "×", "✕": "×"}
    absent = sorted(ch for ch in used if not set(unicodedata.normalize("NFKC", drawn_as.get(ch, ch))) <= printed)
    assert not absent, f"characters of the chapters not in the PDF's text: {absent}"
