"""The rendered book hands the reader the chapter itself: every chapter page's
download button offers its .ipynb (sphinx-book-theme's `use_download_button`,
the notebook being the page's source), the file behind it is the chapter as
committed, and the front page says how to run a chapter locally (`make lab`).
Chapters carry the numbers the PDF gives them (1-9 in file order; the notation
page and the bibliography unnumbered), in the sidebar and in each page's title.
Reads the built HTML under _build/html, (re)built by test_browser's fixture
when older than the sources."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_book import toc_files
from test_browser import built_book  # noqa: F401  (the fixture that builds _build/html)
from test_pdf import chapter_title, expected_number

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [e for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]


def download_links(page: Path) -> dict[str, Path]:
    """The download menu of a page: button text (".ipynb", ".md", ".pdf") -> the file it links."""
    html = page.read_text()
    menu = re.search(r'<div class="dropdown dropdown-download-buttons">(.*?)</ul>', html, flags=re.S)
    assert menu, f"{page.name} has no download button"
    links = {}
    for href, body in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', menu.group(1), flags=re.S):
        label = re.search(r'<span class="btn__text-container">\s*(.*?)\s*</span>', body, flags=re.S)
        if label:
            links[label.group(1)] = (page.parent / href).resolve()
    return links


class Admonitions(HTMLParser):
    """The text of every admonition box (div.admonition) of a page."""

    def __init__(self):
        super().__init__()
        self.boxes: list[str] = []
        self.depth = 0                   # div nesting inside the current box; 0: outside

    def handle_starttag(self, tag, attrs):
        if tag != "div":
            return
        if self.depth:
            self.depth += 1
        elif "admonition" in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.boxes.append("")

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.boxes[-1] += data


@pytest.mark.parametrize("entry", CHAPTERS)
def test_chapter_page_offers_its_notebook(built_book, entry):  # noqa: F811
    links = download_links(built_book / f"{entry}.html")
    assert ".ipynb" in links, f"{entry}: the download button offers {sorted(links)}, no .ipynb"
    notebook = links[".ipynb"]
    assert notebook.is_relative_to(built_book.resolve()) and notebook.exists(), notebook
    served, committed = json.loads(notebook.read_text()), json.loads((ROOT / f"{entry}.ipynb").read_text())
    assert served["nbformat"] == 4 and served["metadata"]["kernelspec"]["name"] == "python3"
    assert [c["source"] for c in served["cells"]] == [c["source"] for c in committed["cells"]]
    assert any(c.get("outputs") for c in served["cells"]), f"{entry}: the download has no outputs"


def test_front_page_says_how_to_run_a_chapter(built_book):  # noqa: F811
    parser = Admonitions()
    parser.feed((built_book / f"{toc_files()[0]}.html").read_text())
    boxes = [b for b in parser.boxes if re.search(r"make\s+lab", b)]
    assert boxes, f"no admonition on the front page says `make lab`: {parser.boxes}"
    assert "git clone" in boxes[0] and ".ipynb" in boxes[0]


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


@pytest.mark.parametrize("entry", toc_files()[1:])
def test_chapter_numbers_in_sidebar_and_title(built_book, entry):  # noqa: F811
    number = expected_number(entry)
    want = f"{number}. {chapter_title(entry)}" if number else chapter_title(entry)
    front = (built_book / f"{toc_files()[0]}.html").read_text()
    sidebar = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', front, flags=re.S).group(0)
    link = re.search(rf'<a class="reference internal" href="{entry.split("/")[-1]}.html">(.*?)</a>', sidebar)
    assert link, f"{entry} is not in the front page's sidebar"
    assert _text(link.group(1)) == want, f"{entry}: the sidebar says {_text(link.group(1))!r}"
    page = (built_book / f"{entry}.html").read_text()
    article = page[page.index('<article class="bd-article">'):]
    title = _text(re.search(r"<h1>(.*?)</h1>", article, flags=re.S).group(1)).removesuffix("#").strip()
    assert title == want, f"{entry}: the page's title is {title!r}"
