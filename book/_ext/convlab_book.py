"""Small Sphinx fixes for the convlab book.

sphinx-thebe registers its inline configuration script once per read of the
sources, and Jupyter Book's build reads them in more than one pass, so pages
declared ``const THEBE_JS_URL`` twice and the browser raised a SyntaxError
(sphinx-togglebutton's selector script was doubled the same way).
Identical script entries are dropped here, page by page.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
