"""Small Sphinx fixes for the convlab book.

Print numbers the chapters as the web does. _toc.yml puts the notation page and the
bibliography in unnumbered parts and the chapters in a numbered one, which the HTML
builder honours, but LaTeX numbers every chapter it meets (the PDF called the notation page
chapter 1). Before each chapter whose toctree numbering differs from the previous one's,
the PDF switches LaTeX's numbering off (front and back matter) or back on (main matter).
The list of references, which sphinx-jupyterbook-latex moves to the end of the document,
follows the text of the bibliography's own page under that page's heading, instead of
opening a second chapter of the same name.

The book needs no network: MathJax, which Sphinx loads from a CDN unless told otherwise,
is copied into the built site (_static/mathjax) from the pinned django-static-mathjax wheel
(MathJax 3's es5 build, with its fonts and lazily loaded parts; no Django needed), and
_config.yml's mathjax_path points at that copy.

sphinx-thebe registers its inline configuration script once per read of the
sources, and Jupyter Book's build reads them in more than one pass, so pages
declared ``const THEBE_JS_URL`` twice and the browser raised a SyntaxError
(sphinx-togglebutton's selector script was doubled the same way).
Identical script entries are dropped here, page by page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex.nodes import thebibliography
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util.fileutil import copy_asset

#: where the MathJax copy goes, under the built site's _static/ (mathjax_path starts with it)
MATHJAX_STATIC = "mathjax"

#: LaTeX for the switches: secnumdepth -1 makes \chapter and its sections unnumbered (still
#: listed in the contents), and the saved depth numbers them again. The references' list
#: (report's thebibliography) opens with \chapter*{\bibname}, which the last macro drops.
LATEX_PREAMBLE = r"""
\newcounter{convlabsecnumdepth}
\newcommand{\convlabunnumbered}{%
  \ifnum\value{secnumdepth}>-1 \setcounter{convlabsecnumdepth}{\value{secnumdepth}}\fi
  \setcounter{secnumdepth}{-1}}
\newcommand{\convlabnumbered}{\setcounter{secnumdepth}{\value{convlabsecnumdepth}}}
\newcommand{\convlabbibliographyinplace}{%
  \renewenvironment{sphinxthebibliography}[1]%
    {\def\chapter*####1{}\begin{thebibliography}{##1}}{\end{thebibliography}}}
"""


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        # the same script registered twice differs at most in priority, or None vs ""
        attributes = tuple(sorted((k, str(v)) for k, v in getattr(js, "attributes", {}).items()))
        key = (getattr(js, "filename", js) or "", attributes)
        if key not in seen:
            seen.add(key)
            kept.append(js)
    context["script_files"] = kept


def numbered_documents(app) -> dict[str, bool]:
    """Every document the root's toctrees list, in order: docname -> whether its toctree
    is numbered (as on the web)."""
    root = app.env.get_doctree(app.config.root_doc)
    return {docname: bool(toctree.get("numbered"))
            for toctree in root.findall(addnodes.toctree) for _title, docname in toctree["entries"]}


def _latex(code: str) -> nodes.raw:
    return nodes.raw("", code + "\n", format="latex")


def _arrange_print(app, doctree, docname):
    if app.builder.format != "latex" or docname != app.config.root_doc:
        return
    numbered = numbered_documents(app)
    chapters = [s for s in doctree.findall(addnodes.start_of_file) if s["docname"] in numbered]
    state = True                            # LaTeX numbers chapters from the start
    for start in chapters:
        if numbered[start["docname"]] != state:
            state = numbered[start["docname"]]
            start.insert(0, _latex(r"\convlabnumbered" if state else r"\convlabunnumbered"))
    # the references' list, at the very end, goes under the heading of the page that asked for it
    lists = list(doctree.findall(thebibliography))
    bibliographies = app.env.get_domain("cite").bibliographies if "cite" in app.env.domains else {}
    if lists and chapters and not numbered[chapters[-1]["docname"]] \
            and any(key.docname == chapters[-1]["docname"] for key in bibliographies):
        lists[0].parent.insert(lists[0].parent.index(lists[0]), _latex(r"\convlabbibliographyinplace"))


def mathjax_es5() -> Path:
    """MathJax 3's es5 directory as the django-static-mathjax wheel installs it (the `book` extra)."""
    spec = importlib.util.find_spec("mathjax")
    es5 = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if es5 is None or not (es5 / "tex-mml-chtml.js").is_file():
        raise ExtensionError("the book's local MathJax is missing: django-static-mathjax is not installed "
                             "(`make book` installs it; or pip install -e '.[book]')")
    return es5


def _local_mathjax(app):
    """Check, before anything is built, that mathjax_path names a file of the local copy."""
    if app.builder.format != "html":
        return
    path = app.config.mathjax_path
    head, _, rest = path.partition("/")
    if head != MATHJAX_STATIC or not (mathjax_es5() / rest).is_file():
        raise ConfigError(f"mathjax_path must name a file of the local MathJax copy, "
                          f"{MATHJAX_STATIC}/<file of MathJax's es5 build>, not {path!r}")


def _copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        es5 = mathjax_es5()
        target = Path(app.outdir) / "_static" / MATHJAX_STATIC
        copy_asset(str(es5), str(target))
        copy_asset(str(es5.parent / "LICENSE"), str(target))      # MathJax's Apache 2.0 licence


def _latex_preamble(app, config):
    elements = config.latex_elements
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("config-inited", _latex_preamble)
    app.connect("doctree-resolved", _arrange_print)
    app.connect("builder-inited", _local_mathjax)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
