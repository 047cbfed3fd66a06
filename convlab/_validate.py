"""Validation and normalisation of every public argument, in one place.

Each public entry point calls one of :func:`prepare_conv` or
:func:`prepare_correlate` *before* any shortcut or dispatch, so all three
methods see the same normalised :class:`Problem` and raise the same errors.
"""

from __future__ import annotations

import numbers
import operator
from dataclasses import dataclass

import numpy as np

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
MODES = ("valid", "same", "full")
PADDING_STRINGS = ("valid", "same", "full")


@dataclass(frozen=True)
class Problem:
    """A convolution problem in normal form (batched, pairs of padding).

    ``x`` is ``(N, C_in, *spatial)`` before padding, ``w`` is
    ``(C_out, C_in // groups, *k)``; ``padding`` holds one ``(before, after)``
    pair per spatial axis; ``dtype`` is the dtype of the result.
    """

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str
    method: str
    dtype: np.dtype
    out_spatial: tuple[int, ...]

    @property
    def nd(self) -> int:
        return self.w.ndim - 2


# --------------------------------------------------------------------------
# arrays
# --------------------------------------------------------------------------

def _is_symbolic_scalar(value) -> bool:
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return True
    try:
        import sympy
    except ImportError:  # pragma: no cover - sympy is a runtime dependency
        return False
    return isinstance(value, sympy.Basic)


def as_array(name: str, value, *, allow_none: bool = False) -> np.ndarray | None:
    """Return ``value`` as an ndarray of a supported dtype, never a copy.

    Supported: signed/unsigned integers, floating, complex, and object arrays
    whose elements are numbers or SymPy expressions (for symbolic use).
    """
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{name} must be an array; got None")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array; got a {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a rectangular (non-ragged) array; got a ragged sequence ({exc})"
        ) from None
    kind = arr.dtype.kind
    if kind in "iufc":
        return arr
    if kind == "b":
        raise TypeError(
            f"{name} must have a numeric dtype (integer, floating or complex); got bool. "
            f"Convert it first, e.g. {name}.astype(int)"
        )
    if kind == "O":
        bad = next((v for v in arr.flat if not _is_symbolic_scalar(v)), None)
        if bad is not None or (arr.size and arr.flat[0] is None):
            raise TypeError(
                f"{name} is an object array, which must hold only numbers or SymPy "
                f"expressions; found an element of type {type(bad).__name__}"
            )
        return arr
    raise TypeError(
        f"{name} must have a numeric dtype (integer, floating or complex) or hold SymPy "
        f"expressions; got dtype {arr.dtype}"
    )


def result_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """The dtype every method returns for these inputs.

    * any object input -> ``object`` (SymPy expressions, Python numbers);
    * integer inputs only -> ``int64`` (exact, accumulated in 64 bits);
    * otherwise ``np.result_type`` of the inputs (float32 stays float32,
      float32 with int64 gives float64, complex stays complex).
    """
    arrays = [a for a in arrays if a is not None]
    kinds = {a.dtype.kind for a in arrays}
    if "O" in kinds:
        return np.dtype(object)
    if kinds <= set("iu"):
        return np.dtype(np.int64)
    return np.result_type(*arrays)


def max_abs(a: np.ndarray) -> int:
    """``max |a|`` of an integer array as an exact Python int (0 when empty)."""
    return max(abs(int(a.max())), abs(int(a.min()))) if a.size else 0


def check_integer_range(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None,
                        fan_in: int) -> None:
    """Raise if an exact int64 result could overflow."""
    if not (x.size and w.size):
        return
    bound = max_abs(x) * max_abs(w) * fan_in
    if bias is not None:
        bound += max_abs(bias)
    if bound >= 2**63:
        raise ValueError(
            "integer inputs could overflow the int64 result: max|x| * max|w| * "
            f"(C_in/groups * kernel size) = {bound} >= 2**63; cast x and w to float64, "
            "or to object dtype for exact Python integers"
        )


# --------------------------------------------------------------------------
# scalar parameters
# --------------------------------------------------------------------------

def _as_int(name: str, value, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral,)):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    return operator.index(value)


def int_tuple(name: str, value, nd: int, *, minimum: int) -> tuple[int, ...]:
    """Normalise an int or a tuple of ``nd`` ints, each ``>= minimum``."""
    adjective = "positive" if minimum == 1 else "non-negative"
    what = f"a {adjective} int or a tuple of {nd} {adjective} ints"
    if isinstance(value, (tuple, list)):
        if len(value) != nd:
            raise ValueError(f"{name} must be {what}; got {tuple(value)!r} of length {len(value)}")
        items = tuple(_as_int(name, v, what) for v in value)
    else:
        items = (_as_int(name, value, what),) * nd
    if any(v < minimum for v in items):
        shown = value if not isinstance(value, list) else tuple(value)
        raise ValueError(f"{name} must be {what}; got {shown!r}")
    return items


def choice(name: str, value, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}; got {value!r} of type {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def padding_pairs(padding, nd: int, k: tuple[int, ...], dilation: tuple[int, ...],
                  stride: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Normalise ``padding`` to one ``(before, after)`` pair per spatial axis.

    ``"same"`` follows torch: the total ``d*(k-1)`` is split with the extra
    element after (on the right); ``"full"`` pads ``d*(k-1)`` on both sides.
    """
    span = tuple(d * (kk - 1) for d, kk in zip(dilation, k))
    if isinstance(padding, str):
        choice("padding", padding, PADDING_STRINGS)
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "full":
            return tuple((s, s) for s in span)
        if any(s != 1 for s in stride):
            raise ValueError(
                f"padding='same' needs stride 1 in every dimension; got stride {stride}"
            )
        return tuple((s // 2, s - s // 2) for s in span)
    what = (f"a non-negative int, a tuple of {nd} non-negative ints or of {nd} (before, after) "
            f"pairs, or one of {PADDING_STRINGS}")
    if isinstance(padding, (tuple, list)):
        if len(padding) != nd:
            raise ValueError(f"padding must be {what}; got {tuple(padding)!r} of length {len(padding)}")
        pairs = []
        for p in padding:
            if isinstance(p, (tuple, list)):
                if len(p) != 2:
                    raise ValueError(f"padding must be {what}; got the entry {tuple(p)!r}")
                pairs.append(tuple(_as_int("padding", v, what) for v in p))
            else:
                v = _as_int("padding", p, what)
                pairs.append((v, v))
    else:
        v = _as_int("padding", padding, what)
        pairs = [(v, v)] * nd
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError(f"padding must be {what}; got {padding!r}")
    return tuple(pairs)


def _check_method(method) -> str:
    from .methods import METHODS

    return choice("method", method, ("auto",) + METHODS)


# --------------------------------------------------------------------------
# whole problems
# --------------------------------------------------------------------------

def prepare_conv(x, w, bias, nd: int, stride, padding, dilation, groups,
                 padding_mode, method, *, min_out: int = 1) -> tuple[Problem, bool]:
    """Validate a deep-learning convolution call; returns the problem and
    whether the input was unbatched.

    ``min_out=0`` admits an empty output where the kernel overhangs the
    padded input by exactly one (``correlate(..., mode="same")`` of an empty
    signal)."""
    x = as_array("x", x)
    w = as_array("w", w)
    bias = as_array("bias", bias, allow_none=True)
    if w.ndim != nd + 2:
        raise ValueError(
            f"w must have shape (C_out, C_in/groups, {', '.join(['k'] * nd)}) with {nd + 2} "
            f"dimensions; got shape {w.shape}"
        )
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"x must have shape (N, C_in, *spatial) or (C_in, *spatial) with {nd + 2} or "
            f"{nd + 1} dimensions for a {nd}-d convolution; got shape {x.shape}"
        )
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[np.newaxis]
    groups = _as_int("groups", groups, "a positive int")
    if groups < 1:
        raise ValueError(f"groups must be a positive int; got {groups}")
    stride = int_tuple("stride", stride, nd, minimum=1)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    padding_mode = choice("padding_mode", padding_mode, PADDING_MODES)
    method = _check_method(method)
    c_in, c_out = x.shape[1], w.shape[0]
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (w.shape[0])")
    if w.shape[1] * groups != c_in:
        raise ValueError(
            f"channel mismatch: x has C_in={c_in} channels, so w.shape[1] must be "
            f"C_in/groups={c_in // groups}; got w of shape {w.shape}"
        )
    k = w.shape[2:]
    if any(kk == 0 for kk in k):
        raise ValueError(f"w must have a kernel of at least 1 element per spatial axis; got shape {w.shape}")
    if bias is not None and bias.shape != (c_out,):
        raise ValueError(f"bias must have shape (C_out,) = ({c_out},); got shape {bias.shape}")
    pads = padding_pairs(padding, nd, k, dilation, stride)
    spatial = x.shape[2:]
    if padding_mode != "zeros":
        for axis, (n, (lo, hi)) in enumerate(zip(spatial, pads)):
            limit = n - 1 if padding_mode == "reflect" else n
            if max(lo, hi) > limit or (n == 0 and max(lo, hi) > 0):
                raise ValueError(
                    f"padding_mode={padding_mode!r} needs padding at most {limit} on spatial "
                    f"axis {axis} of size {n}; got {(lo, hi)}"
                )
    out = []
    for axis, (n, kk, (lo, hi), s, d) in enumerate(zip(spatial, k, pads, stride, dilation)):
        padded, span = n + lo + hi, d * (kk - 1) + 1
        if span > padded + 1 - min_out:
            raise ValueError(
                f"kernel too large: on spatial axis {axis} the dilated kernel spans "
                f"{span} (k={kk}, dilation={d}) but the padded input has size {padded} "
                f"(size {n}, padding {(lo, hi)})"
            )
        out.append((padded - span) // s + 1)
    dtype = result_dtype(x, w, bias)
    if method == "fft" and dtype.kind == "O":
        raise TypeError(
            "method='fft' needs numeric arrays; x, w or bias is an object array "
            "(SymPy expressions?): use method='loop' or method='im2col'"
        )
    if dtype == np.int64:
        check_integer_range(x, w, bias, w[0].size if c_out else 0)
    return Problem(x, w, bias, stride, pads, dilation, groups, padding_mode,
                   method, dtype, tuple(out)), unbatched


def prepare_correlate(x, w, mode, method) -> Problem:
    """Validate a single-channel ``correlate``/``convolve`` call."""
    x = as_array("x", x)
    w = as_array("w", w)
    mode = choice("mode", mode, MODES)
    method = _check_method(method)
    if x.ndim == 0 or w.ndim == 0:
        raise ValueError(
            f"x and w must be at least 1-D; got x of shape {x.shape} and w of shape {w.shape}"
        )
    if x.ndim != w.ndim:
        raise ValueError(
            f"x and w must have the same number of dimensions; got x of shape {x.shape} "
            f"and w of shape {w.shape}"
        )
    nd = x.ndim
    if w.size == 0:
        raise ValueError(f"w must not be empty; got shape {w.shape}")
    if mode == "same":
        # scipy's centring: 'same' is full[(k-1)//2 : (k-1)//2 + n]
        pads = tuple((k - 1 - (k - 1) // 2, (k - 1) // 2) for k in w.shape)
    else:
        pads = mode
    problem, _ = prepare_conv(x[np.newaxis, np.newaxis], w[np.newaxis, np.newaxis], None, nd,
                              1, pads, 1, 1, "zeros", method, min_out=int(mode != "same"))
    return problem
