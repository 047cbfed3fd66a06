"""Grade one case: run the reference and the reader's function, compare, and describe a failure."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import tasks as t
from .mistakes import Context, Diagnosis, diagnose
from .tolerance import Tolerance, compare, derive
from .watch import Watch

_IMPOSSIBLE = "kernel too large"  # how convlab's refusals of an impossible geometry begin


class Failure:
    """One case the reader's function got wrong.

    ``label`` names the case, ``args`` holds its inputs (what the function
    received), ``options`` the options of its combination, ``expected`` and
    ``got`` the two answers, ``why`` what is wrong, ``tolerance`` the bound
    it was held to (with why), ``diagnosis`` the classic mistake that
    reproduces the answer (computed on first use; None if none does),
    ``call`` a line that reproduces it.
    """

    def __init__(self, label: str, args: tuple, expected, got, why: str, *, category: str = "values",
                 options: dict | None = None, tolerance: Tolerance | None = None,
                 grader: Grader | None = None):
        self.label, self.args, self.expected, self.got, self.why = label, args, expected, got, why
        self.category = category
        self.options = dict(options or {})
        self.tolerance = tolerance
        self._grader = grader
        self._diagnosis: Diagnosis | None | bool = False

    @property
    def diagnosis(self) -> Diagnosis | None:
        if self._diagnosis is False:
            self._diagnosis = self._grader.diagnose(self) if self._grader is not None else None
        return self._diagnosis

    @property
    def names(self) -> tuple[str, ...]:
        if self._grader is None:
            return tuple(f"arg{i}" for i in range(len(self.args)))
        return t.family_of(self._grader.task, self.options).names[: len(self.args)]

    @property
    def call(self) -> str:
        """One line that reproduces the failure with the variables of :meth:`variables`."""
        fn = self._grader.fn_name if self._grader is not None else "fn"
        passed = self._grader.passed_options(self.options) if self._grader is not None else {}
        opts = "".join(f", {k}={v!r}" for k, v in passed.items())
        return f"{fn}({', '.join(self.names)}{opts})"

    @property
    def reference_call(self) -> str:
        if self._grader is None:
            return ""
        return t.call_text(self._grader.task, len(self.args), self.options)

    def __repr__(self) -> str:
        from .report import failure_text
        return failure_text(self)

    __str__ = __repr__


class Grader:
    """Runs one task's cases against the reader's function ``fn``."""

    def __init__(self, fn: Callable, task: str, rtol: float | None, atol: float | None, pass_options: bool,
                 watch: Watch):
        self.fn, self.task, self.rtol, self.atol = fn, task, rtol, atol
        self.pass_options, self.watch = pass_options, watch
        self.spec = t.TASKS[task]
        name = getattr(fn, "__name__", "fn")
        self.fn_name = name if name.isidentifier() and name != "<lambda>" else "fn"
        self.precisions: set[str] = set()

    def family(self, options: dict):
        return t.family_of(self.task, options)

    def ref_options(self, options: dict) -> dict:
        return {k: v for k, v in options.items() if k not in self.spec.case_options}

    def passed_options(self, options: dict) -> dict:
        return self.ref_options(options) if self.pass_options else {}

    def _run(self, args: tuple, options: dict):
        return self.watch(self.fn, [np.copy(a) if isinstance(a, np.ndarray) else a for a in args],
                          self.passed_options(options))

    def grade(self, label: str, args: tuple, options: dict) -> tuple[bool, Failure | None]:
        """``(counted, failure)``: whether the case is defined for the options, and how it failed."""
        ref_options = self.ref_options(options)
        try:
            expected = self.spec.reference(*args, **ref_options)
        except ValueError as exc:
            if self.spec.refuses and str(exc).startswith(_IMPOSSIBLE):
                return True, self._refusal(label, args, options, exc)
            return False, None                         # not a case for these options (e.g. a stride of 0)
        try:
            got = self._run(args, options)
        except Exception as exc:  # noqa: BLE001 - a crash is a failed case, reported
            why = f"raised {type(exc).__name__}: {exc}"
            category = f"raised {type(exc).__name__}"
            if self.watch.called:
                why = f"called {self.watch.called}, which this exercise forbids (then {why})"
                category = "forbid"
            return True, Failure(label, args, expected, None, why, category=category, options=options,
                                 grader=self)
        if self.watch.called:
            return True, Failure(label, args, expected, got, f"called {self.watch.called}, which this "
                                 "exercise forbids", category="forbid", options=options, grader=self)
        tol = self.tolerance(args, options, got)
        why = compare(expected, got, tol)
        if why is None:
            if tol.precision is not None and isinstance(got, np.ndarray) and got.dtype.kind in "fc" \
                    and np.finfo(got.dtype).eps > np.finfo(np.float64).eps:
                self.precisions.add(str(got.dtype))
            return True, None
        category = why.split(":")[0]
        return True, Failure(label, args, expected, got, why, category=category, options=options,
                             tolerance=tol, grader=self)

    def _refusal(self, label: str, args: tuple, options: dict, exc: Exception) -> Failure | None:
        """A failure unless ``fn`` refuses the impossible layer with a ValueError."""
        try:
            got = self._run(args, options)
        except ValueError:
            if self.watch.called:
                return Failure(label, args, f"ValueError ({exc})", None,
                               f"called {self.watch.called}, which this exercise forbids", category="forbid",
                               options=options, grader=self)
            return None
        except Exception as err:  # noqa: BLE001 - the wrong exception is a failed case, reported
            return Failure(label, args, f"ValueError ({exc})", None,
                           f"raised {type(err).__name__}: {err}; an impossible layer must raise ValueError",
                           category="refusal", options=options, grader=self)
        from .report import show
        return Failure(label, args, f"ValueError ({exc})", got,
                       f"returned {show(got)} for a layer whose kernel does not fit; "
                       "it must raise ValueError instead", category="refusal", options=options, grader=self)

    def scale(self, args: tuple, options: dict) -> tuple[float, int]:
        """The largest sum of |terms| of an output, and the most terms of one (reference on |a| and ones)."""
        linear = t.family_of(self.task, options).linear
        if not linear:
            return 0.0, 1
        ref_options = self.ref_options(options)
        absolute = [np.abs(a) if i in linear and isinstance(a, np.ndarray) else a for i, a in enumerate(args)]
        ones = [np.ones(a.shape, dtype=np.int64) if i in linear and isinstance(a, np.ndarray) else a
                for i, a in enumerate(args)]
        s = np.abs(np.asarray(self.spec.reference(*absolute, **ref_options)))
        k = np.asarray(self.spec.reference(*ones, **ref_options))
        return (float(s.max()) if s.size else 0.0), (int(k.max()) if k.size else 1)

    def tolerance(self, args: tuple, options: dict, got, single: bool = False) -> Tolerance:
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        integers = all(a.dtype.kind in "iub" for a in arrays)
        answer_dtype = got.dtype if isinstance(got, np.ndarray) else None
        if integers and self.rtol is None and (answer_dtype is None or answer_dtype.kind not in "fc"):
            return derive(arrays, got, 0.0, 1, None, self.atol, answer_dtype)
        scale, terms = self.scale(args, options)
        if single:
            arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in arrays]
        return derive(arrays, got, scale, terms, self.rtol, self.atol, answer_dtype)

    def diagnose(self, failure: Failure) -> Diagnosis | None:
        if failure.category in ("forbid", "refusal") or failure.category.startswith("raised"):
            return None
        tol = failure.tolerance or self.tolerance(failure.args, failure.options, failure.got)
        try:
            tol32 = self.tolerance(failure.args, failure.options, failure.got, single=True)
        except (ValueError, TypeError):
            tol32 = tol
        got = failure.got
        if not isinstance(got, np.ndarray) and isinstance(failure.expected, np.ndarray):
            try:
                got = np.asarray(got)
            except Exception:  # noqa: BLE001
                return None
        ctx = Context(self.task, self.spec.kind, self.spec.reference, failure.args,
                      self.ref_options(failure.options), failure.expected, got, tol.bound,
                      max(tol32.bound, tol.bound), self.pass_options)
        return diagnose(ctx)
