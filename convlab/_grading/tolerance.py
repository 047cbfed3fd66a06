"""How close an answer must be, and why: the tolerance follows the dtypes.

Every output of the graded functions is a sum of products (a convolution, a
gradient, a transposed convolution) or a sum of routed values (max pooling's
backward). Summing ``K`` terms in a floating type of machine epsilon ``eps``
errs by at most about ``K * eps`` times the sum of the terms' magnitudes (the
classic recursive-summation bound); rounding the inputs to that type adds
``eps`` per term again. So an answer passes when

    |got - expected| <= 2 * K * eps * S

everywhere, with ``K`` the most terms of any output and ``S`` the largest
sum of ``|terms|`` of an output, both recomputed with the reference itself
(on ``|x|``, ``|w|`` for ``S`` and on arrays of ones for ``K``); this is the
rule the package's own tests use. ``eps`` is that of the coarsest floating
type among the answer and the inputs: a float32 answer is graded at float32
precision, and says so. When every input is an integer, an integer answer
must be exact (and a floating answer, say from an FFT, is graded at its own
precision).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """The bound one case's answer is held to.

    ``bound`` is the largest ``|got - expected|`` allowed (0: exact),
    ``precision`` the dtype the answer was graded at (``None`` for exact
    integer grading), ``text`` one sentence saying which tolerance and why.
    """

    bound: float
    precision: np.dtype | None
    text: str

    @property
    def exact(self) -> bool:
        return self.bound == 0.0


def _float_kind(dtype: np.dtype) -> np.dtype | None:
    """The real floating type that carries ``dtype``'s precision (complex64 -> float32), or None."""
    if dtype.kind == "f":
        return dtype
    if dtype.kind == "c":
        return np.dtype(f"f{dtype.itemsize // 2}")
    return None


def precision_of(inputs, got) -> np.dtype | None:
    """The coarsest floating type among the inputs' and the answer's dtypes (None: all integers)."""
    kinds = [_float_kind(np.asarray(a).dtype) for a in inputs if isinstance(a, np.ndarray)]
    answer = _float_kind(got.dtype) if isinstance(got, np.ndarray) else None
    floats = [k for k in kinds if k is not None]
    if not floats:
        return None
    if answer is not None:
        floats.append(answer)
    return max(floats, key=lambda d: np.finfo(d).eps)


def derive(inputs, got, scale: float, terms: int, rtol: float | None, atol: float | None,
           answer_dtype: np.dtype | None) -> Tolerance:
    """The tolerance of one case (see the module's docstring); ``rtol``/``atol`` override it."""
    precision = precision_of(inputs, got)
    if precision is None and answer_dtype is not None and answer_dtype.kind in "fc":
        precision = _float_kind(answer_dtype)                   # a float answer to integer inputs
    extra = atol or 0.0
    if precision is None and rtol is None:                       # integer inputs, integer answer
        if extra:
            return Tolerance(extra, None, f"integer inputs; your atol {extra:g}")
        return Tolerance(0.0, None, "integer inputs: compared exactly")
    eps = float(np.finfo(precision if precision is not None else np.float64).eps)
    terms = max(int(terms), 1)
    if rtol is None:
        multiple = 2 * terms
        rtol_used = multiple * eps
        who = f"{answer_dtype} answer" if answer_dtype is not None else "answer"
        if precision is not None and answer_dtype is not None and precision != answer_dtype:
            who = f"{answer_dtype} answer to {precision} inputs"
        text = (f"{who}: rtol {rtol_used:.2g} = {multiple} eps({precision}), 2 eps for each of "
                f"up to {terms} term{'s' * (terms > 1)} of a sum, times the largest sum of "
                f"|terms| {scale:.3g}")
    else:
        rtol_used = rtol
        text = f"your rtol {rtol:g}, times the largest sum of |terms| {scale:.3g}"
    if extra:
        text += f", plus your atol {extra:g}"
    return Tolerance(rtol_used * scale + extra, precision, text)


def compare(expected, got, tol: Tolerance) -> str | None:
    """Why ``got`` is not ``expected`` within ``tol`` (``None`` if it is)."""
    if not isinstance(expected, np.ndarray):
        try:
            same = bool(got == expected)
        except Exception:  # noqa: BLE001 - anything uncomparable is a wrong answer
            same = False
        return None if same else f"wrong value: expected {expected!r}, got {got!r}"
    if got is None:
        return "returned None; return the result (a NumPy array)"
    try:
        got = np.asarray(got)
    except Exception:  # noqa: BLE001 - anything unconvertible is a wrong answer
        return f"returned {type(got).__name__}, which is not an array"
    if got.shape != expected.shape:
        return f"wrong shape: expected {expected.shape}, got {got.shape}"
    if got.dtype.kind not in "biufc":
        return f"returned an array of dtype {got.dtype}, expected numbers"
    if got.size == 0:
        return None
    if not np.all(np.isfinite(got)):
        where = np.unravel_index(int(np.argmin(np.isfinite(got))), got.shape)
        return f"not finite: {got[where]} at index {tuple(int(i) for i in where)}"
    diff = np.abs(got.astype(np.result_type(got, expected, np.float64)) - expected)
    err = float(np.max(diff))
    if err > tol.bound:
        where = np.unravel_index(int(np.argmax(diff)), got.shape)
        allowed = "0 (exact)" if tol.exact else f"{tol.bound:.2g}"
        return (f"wrong values: largest error {err:.3g} at index {tuple(int(i) for i in where)} "
                f"(allowed: {allowed})")
    return None


def close(a, b, bound: float) -> bool:
    """``a`` and ``b`` are arrays of one shape within ``bound`` everywhere (used by the diagnoses)."""
    try:
        a, b = np.asarray(a), np.asarray(b)
    except Exception:  # noqa: BLE001
        return False
    if a.shape != b.shape or a.dtype.kind not in "biufc" or b.dtype.kind not in "biufc":
        return False
    if a.size == 0:
        return True
    with np.errstate(all="ignore"):
        diff = np.abs(a.astype(np.result_type(a, b, np.float64)) - b)
    return bool(np.all(np.isfinite(diff)) and np.max(diff) <= bound)
