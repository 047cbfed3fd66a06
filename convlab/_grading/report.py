"""The result of a check: shrinking a failure, and the text, HTML and markdown reports."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import numpy as np

from .run import Failure, Grader

WIDTH = 68                       # an opened solution box of the book holds 69 characters
SHRINK_CALLS = 200               # the most calls of the reader's function one shrink may make
_SHRINKABLE = ("stride", "dilation", "padding", "output_padding")
_DEFAULT = {"stride": 1, "dilation": 1, "padding": 0, "output_padding": 0}


def show(v, width: int = WIDTH - 4, offset: int = 0) -> str:
    """``v`` in full (every element), as NumPy code where it is an array; continuation lines are
    indented for a first line that starts ``offset`` characters in (after ``"x = "``, say)."""
    if isinstance(v, np.ndarray):
        body = np.array2string(v, separator=", ", threshold=10**6, max_line_width=width,
                               floatmode="unique" if v.dtype.kind == "f" and not _integral(v) else "maxprec")
        dtype = "" if v.dtype in (np.float64, np.int64) else f", dtype=np.{v.dtype}"
        body = "\n".join(line for line in body.split("\n") if line.strip())  # no blank lines
        return f"np.array({body}{dtype})".replace("\n", "\n" + " " * (9 + offset))
    return repr(v)


def _integral(a: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(a)) and np.array_equal(np.round(a), a))


def _size(args) -> int:
    return sum(a.size if isinstance(a, np.ndarray) else int(np.prod(a)) if isinstance(a, tuple) else
               abs(int(a)) if isinstance(a, (int, np.integer)) else 1 for a in args)


def _option_weight(options: dict) -> int:
    return sum(abs(int(v) - _DEFAULT[k]) for k, v in options.items()
               if k in _DEFAULT and isinstance(v, (int, np.integer)) and not isinstance(v, bool))


def _same_kind(a: Failure, b: Failure) -> bool:
    if a.category != b.category:
        return False
    da, db = a.diagnosis, b.diagnosis
    return da is None or (db is not None and da.name == db.name)


def shrink(grader: Grader, start: Failure, budget: int = SHRINK_CALLS) -> tuple[Failure, int]:
    """The smallest failure of the same kind reachable from ``start`` one step at a time, and the steps.

    A step makes the case smaller (the family's candidates: a batch of one,
    fewer channels, a shorter input or kernel, rounded values) or, when the
    function gets the options, moves one option towards its default (stride
    1 before stride 2); it is taken when the function still fails the same
    way (same kind of failure, same diagnosis). At most ``budget`` calls.
    """
    family = grader.family(start.options)
    best, steps, calls = start, 0, 0
    improved = True
    while improved and calls < budget:
        improved = False
        candidates = [(args, best.options) for args in family.smaller(best.args, best.options)]
        if grader.pass_options:
            for name in _SHRINKABLE:
                v = best.options.get(name)
                if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > _DEFAULT[name]:
                    candidates.insert(0, (best.args, {**best.options, name: int(v) - 1}))
        for args, options in candidates:
            if calls >= budget:
                break
            if _size(args) > _size(best.args) or (_size(args) == _size(best.args) and options == best.options
                                                   and all(np.array_equal(a, b) for a, b in
                                                           zip(args, best.args, strict=True))):
                continue
            before = grader.watch.calls
            try:
                counted, failure = grader.grade(best.label, args, options)
            except Exception:  # noqa: BLE001 - a candidate the reference cannot take is skipped
                continue
            calls += grader.watch.calls - before
            if counted and failure is not None and _same_kind(start, failure):
                best, steps, improved = failure, steps + 1, True
                break
    if steps:
        moved = ", ".join(f"{k}={v!r}" for k, v in best.options.items() if start.options.get(k) != v)
        best.label = (f"{start.label}, shrunk in {steps} step{'s' * (steps > 1)}"
                      + (f" (options now {moved})" if moved else ""))
    return best, steps


@dataclass
class CheckResult:
    """The outcome of :func:`convlab.check`; ``ok`` is True when every case passed.

    ``failures`` lists every failed case in order; ``smallest`` is the
    smallest failing case (shrunk on first use, which calls the function
    again); ``headline`` one line; ``precisions`` the dtypes below float64
    an answer was graded at. Printed, it is a short report; in a notebook
    also a short table.
    """

    task: str
    total: int
    failures: list[Failure] = field(default_factory=list)
    combinations: int = 1
    precisions: set = field(default_factory=set)
    grader: Grader | None = field(default=None, repr=False)
    _smallest: Failure | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.ok

    def _diagnosed(self) -> tuple[object, int, int]:
        """(the most common diagnosis of the first 200 failures, how many it reproduces, how many
        answers there were to compare), the diagnosis None unless it reproduces at least two of
        them (or the only one) and a quarter of those with an answer: one case a mistake happens
        to reproduce names nothing."""
        counts: dict[str, list] = {}
        considered = self.failures[:200]
        answered = sum(not f.why.startswith("raised") for f in considered)
        for failure in considered:
            if failure.diagnosis is not None:
                counts.setdefault(failure.diagnosis.name, []).append(failure.diagnosis)
        if not counts:
            return None, 0, answered
        found = max(counts.values(), key=len)
        enough = len(found) >= min(2, answered) and 4 * len(found) >= answered
        return (found[0] if enough else None), len(found), answered

    @property
    def diagnosis(self):
        """The classic mistake that reproduces the most failures exactly, if it reproduces at
        least two (or the only one) and a quarter of the failed answers; no call of the function."""
        return self._diagnosed()[0]

    def _shown_diagnosis(self):
        """The result's diagnosis as the report shows it: the smallest case's own, whose numbers
        are the shown case's, where it names the same mistake."""
        small, found = self.smallest, self.diagnosis
        if found is not None and small is not None and small.diagnosis is not None \
                and small.diagnosis.name == found.name:
            return small.diagnosis
        return found

    @property
    def smallest(self) -> Failure | None:
        """The smallest failing case, shrunk from the smallest failure found (computed once)."""
        if self.ok:
            return None
        if self._smallest is None:
            found = self.diagnosis
            pool = [f for f in self.failures[:200]
                    if found is None or (f.diagnosis is not None and f.diagnosis.name == found.name)]
            start = min(pool, key=lambda f: (_option_weight(f.options), _size(f.args)))
            self._smallest = shrink(self.grader, start)[0] if self.grader is not None else start
        return self._smallest

    @property
    def headline(self) -> str:
        """One line: the verdict, and the diagnosis if there is one (never calls the function)."""
        if self.ok:
            over = f" ({self.combinations} combinations of options)" if self.combinations > 1 else ""
            low = f" at {'/'.join(sorted(self.precisions))} precision" if self.precisions else ""
            return f"✔ {self.task}: all {self.total} cases passed{over}{low}"
        head = f"✘ {self.task}: {len(self.failures)} of {self.total} cases failed"
        found = self.diagnosis
        return head + (f": {found.name}" if found is not None else "")

    def lines(self) -> list[str]:
        """The report, lines of at most 68 characters (an opened solution box of the book holds 69)."""
        out = _wrap(self.headline, "")
        if self.ok:
            for dtype in sorted(self.precisions):
                out += _wrap(f"graded at {dtype} precision: your answers are {dtype}, so each was "
                             f"held to 2 K eps({dtype}) S, with K the terms of a sum and S the "
                             "largest sum of their |values|", "  ")
            return out
        small, found = self.smallest, self._shown_diagnosis()
        if found is not None:
            out += _wrap(found.advice, "  ")
            _, count, _ = self._diagnosed()
            considered = min(len(self.failures), 200)
            if count < considered:
                out += _wrap(f"(recomputed with this mistake, {count} of the {considered} failed "
                             "cases come out exactly as your answers)", "  ")
        out.append("smallest failing case:" if small is not None else "")
        out += failure_lines(small, indent="  ")
        if len(self.failures) > 1:
            out.append(f"  ({len(self.failures)} failures in all: .failures lists them, "
                       ".smallest is this one)")
        return [line for line in out if line]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    __str__ = __repr__

    @property
    def markdown(self) -> str:
        """The report as a short markdown table."""
        rows = _rows(self)
        cells = ["| | |", "|---|---|"]
        for key, value in rows:
            cells.append(f"| {key} | {value.replace(chr(10), '<br>').replace('|', '&#124;')} |")
        return "\n".join(cells)

    def _repr_html_(self) -> str:
        parts = ['<table class="convlab-check">']
        for key, value in _rows(self):
            parts.append(f'<tr><th style="text-align:left">{html.escape(key)}</th>'
                         f'<td style="text-align:left"><pre style="margin:0">{html.escape(value)}</pre>'
                         '</td></tr>')
        parts.append("</table>")
        return "".join(parts)


def _rows(result: CheckResult) -> list[tuple[str, str]]:
    verdict = result.headline
    rows = [("verdict", verdict)]
    if result.ok:
        for dtype in sorted(result.precisions):
            rows.append(("note", f"graded at {dtype} precision"))
        return rows
    small, found = result.smallest, result._shown_diagnosis()
    if found is not None:
        rows.append(("diagnosis", "\n".join(_wrap(found.advice, "", WIDTH - 12))))
    if small is not None:
        rows.append(("smallest", "\n".join(failure_lines(small, indent="", width=WIDTH - 12))))
    return rows


def _code_spaces_held(text: str, longest: int = 32) -> str:
    """``text`` with the spaces inside short code brackets (``np.flip(w, -1)``, ``x[i + a]``: a
    bracket right after a name or another bracket, at most ``longest`` characters with its
    brackets) replaced by a placeholder, so that no line breaks inside them."""
    held, opened = list(text), []
    for i, ch in enumerate(text):
        if ch in "([":
            code = i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.])([")
            opened.append((i, code))
        elif ch in ")]" and opened:
            start, code = opened.pop()
            if code and i - start + 1 <= longest:
                for j in range(start, i):
                    if held[j] == " ":
                        held[j] = "\x01"
    return "".join(held)


def _wrap(text: str, indent: str, width: int = WIDTH) -> list[str]:
    lines = textwrap.wrap(_code_spaces_held(text), width=width, initial_indent=indent,
                          subsequent_indent=indent + "  ", break_long_words=False, break_on_hyphens=False)
    return [line.replace("\x01", " ") for line in lines]


def failure_lines(f: Failure | None, indent: str = "", width: int = WIDTH) -> list[str]:
    """A failure in full: its label, its inputs as labelled variables, both answers, why, how to rerun."""
    if f is None:
        return []
    out = _wrap(f"case '{f.label}'", indent, width)
    inner = indent + "  "
    for name, value in zip(f.names, f.args, strict=False):
        text = f"{name} = {show(value, width - len(inner) - 12, offset=len(name) + 3)}"
        out += [inner + line for line in text.split("\n")]
    if len(inner) + len(f.call) + len("  # reproduces it") <= width:
        out.append(f"{inner}{f.call}  # reproduces it")
    else:  # the comment on a line of its own, so that the call can be copied whole
        out += [f"{inner}# this call reproduces it:"] + _wrap(f.call, inner, width)
    if isinstance(f.expected, str):
        out += _wrap(f"expected {f.expected}", inner, width)
    else:
        expected = show(f.expected, width - len(inner) - 12, offset=9)
        out += [inner + line for line in f"expected {expected}".split("\n")]
    out += _wrap(f"from {f.reference_call}", inner + "  ", width)
    if not f.why.startswith("raised") and f.category != "forbid":
        got = show(f.got, width - len(inner) - 12, offset=9)
        out += [inner + line for line in f"got      {got}".split("\n")]
    out += _wrap(f.why, inner, width)
    if f.tolerance is not None and f.category == "wrong values":
        out += _wrap(f"tolerance: {f.tolerance.text}", inner, width)
    return out


def failure_text(f: Failure) -> str:
    lines = failure_lines(f)
    if f.diagnosis is not None:
        lines += _wrap(f"diagnosis: {f.diagnosis}", "  ")
    return "\n".join(lines)
