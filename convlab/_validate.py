"""Validation and normalisation of every public argument, in one place.

One policy everywhere: ``TypeError`` for a value of the wrong type,
``ValueError`` for a value of the right type that is not allowed, each
message naming the argument, what it got and what is allowed.

* arrays: :func:`as_array` (numeric or SymPy), :func:`real_array` (figures);
* scalars: :func:`positive_int`, :func:`non_negative_int`, :func:`flag`,
  :func:`int_tuple`, :func:`shape_tuple`, :func:`choice`, :func:`size_param`
  (an int or a SymPy expression);
* geometry, from shapes alone: :func:`padding_pairs` and :func:`geometry`
  (input and kernel shape, stride, padding, dilation -> padding pairs and
  output shape), remembered per call signature so that a repeated call
  costs a dictionary look-up;
* transposed convolution, the adjoint of ``convnd``: :func:`transposed_padding`,
  :func:`transposed_geometry` (a :class:`TransposedGeometry`, cached like
  :func:`geometry`) and :func:`prepare_transposed`;
* gradients of a convolution (:mod:`convlab.grad`): :func:`prepare_input_grad`
  and :func:`prepare_weight_grad`;
* whole problems: :func:`prepare_conv` and :func:`prepare_correlate`, which
  every public entry point calls *before* any shortcut or dispatch, so all
  methods see the same normalised :class:`Problem` and raise the same errors;
  ``correlate``'s ``axes`` (:func:`correlate_axes`) and the batch axes they
  leave become the batch, groups and channels of that problem
  (:class:`SignalLayout` maps the result back).
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import sys
from typing import NamedTuple

import numpy as np

from .methods import METHODS

PADDING_MODES = ("zeros", "reflect", "replicate", "circular", "symmetric")
MODES = ("valid", "same", "full")
PADDING_STRINGS = ("valid", "same", "full")
METHOD_NAMES = ("auto",) + METHODS


class Geometry(NamedTuple):
    """Everything about a convolution that depends on shapes alone.

    ``padding`` holds one ``(before, after)`` pair per spatial axis and
    ``out_spatial`` the output's spatial shape.
    """

    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str
    out_spatial: tuple[int, ...]


class Problem(NamedTuple):
    """A convolution problem in normal form.

    ``x`` is ``(N, C_in, *spatial)`` before padding, ``w`` is
    ``(C_out, C_in // groups, *k)``; ``dtype`` is the dtype of the result.
    A transposed convolution has a :class:`TransposedGeometry` and ``w`` of
    shape ``(C_in, C_out // groups, *k)``, the weight of the convolution it
    is the adjoint of.
    """

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    geometry: Geometry
    method: str
    dtype: np.dtype

    @property
    def nd(self) -> int:
        return self.w.ndim - 2

    @property
    def transposed(self) -> bool:
        """True for a transposed convolution (the adjoint of ``convnd``)."""
        return type(self.geometry) is TransposedGeometry

    @property
    def c_out(self) -> int:
        """The output's channels."""
        return self.w.shape[1] * self.geometry.groups if self.transposed else self.w.shape[0]


# --------------------------------------------------------------------------
# arrays
# --------------------------------------------------------------------------

def is_symbolic(value) -> bool:
    """True for a SymPy object (without importing SymPy: one made it, so it is loaded)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _is_symbolic_scalar(value) -> bool:
    return (isinstance(value, numbers.Number) and not isinstance(value, bool)) or is_symbolic(value)


def as_array(name: str, value, *, allow_none: bool = False) -> np.ndarray | None:
    """Return ``value`` as an ndarray of a supported dtype, never a copy.

    Supported: signed/unsigned integers, floating, complex, and object arrays
    whose elements are numbers or SymPy expressions (for symbolic use).
    """
    if type(value) is np.ndarray and value.dtype.kind in "iufc":
        return value                                  # the common case, checked first
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
    """The dtype every method returns for these inputs (``None`` entries are skipped).

    * any object input -> ``object`` (SymPy expressions, Python numbers);
    * integer inputs only -> ``int64`` (exact, accumulated in 64 bits);
    * otherwise ``np.result_type`` of the inputs (float32 stays float32,
      float32 with int64 gives float64, complex stays complex).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import result_dtype
    >>> result_dtype(np.ones(2, np.int8), np.ones(2, np.int32)), result_dtype(np.ones(2, np.float32), None)
    (dtype('int64'), dtype('float32'))
    """
    return _result_dtype(*(None if a is None else a.dtype for a in arrays))


@functools.lru_cache(maxsize=256)
def _result_dtype(*dtypes: np.dtype | None) -> np.dtype:
    dtypes = [d for d in dtypes if d is not None]
    kinds = {d.kind for d in dtypes}
    if "O" in kinds:
        return np.dtype(object)
    if kinds <= set("iu"):
        return np.dtype(np.int64)
    return np.result_type(*dtypes)


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

def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral,)) and not isinstance(value, (bool, np.bool_))


def _as_int(name: str, value, what: str) -> int:
    if not _is_int(value):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    return operator.index(value)


def positive_int(name: str, value) -> int:
    """``value`` as an int ``>= 1``: ``TypeError`` if it is not an int, ``ValueError`` if it is smaller.

    Examples
    --------
    >>> from convlab._validate import positive_int
    >>> positive_int("n", 3)
    3
    >>> positive_int("n", 0)
    Traceback (most recent call last):
    ...
    ValueError: n must be a positive int; got 0
    """
    v = _as_int(name, value, "a positive int")
    if v < 1:
        raise ValueError(f"{name} must be a positive int; got {v}")
    return v


def non_negative_int(name: str, value) -> int:
    """``value`` as an int ``>= 0`` (errors as :func:`positive_int`)."""
    v = _as_int(name, value, "a non-negative int")
    if v < 0:
        raise ValueError(f"{name} must be a non-negative int; got {v}")
    return v


def int_in_range(name: str, value, low: int, high: int) -> int:
    """``value`` as an int with ``low <= value < high`` (errors as :func:`positive_int`).

    Examples
    --------
    >>> from convlab._validate import int_in_range
    >>> int_in_range("channel", 3, 0, 4)
    3
    """
    what = f"an int in {low}..{high - 1}"
    v = _as_int(name, value, what)
    if not low <= v < high:
        raise ValueError(f"{name} must be {what}; got {v}")
    return v


def function(name: str, value):
    """``value`` if it is callable, else ``TypeError``."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {value!r} of type {type(value).__name__}")
    return value


def nonempty_str(name: str, value) -> str:
    """``value`` if it is a non-empty str, else ``TypeError``."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"{name} must be a non-empty str; got {value!r}")
    return value


def flag(name: str, value) -> bool:
    """``value`` as a bool: ``TypeError`` for anything but ``True``/``False``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r} of type {type(value).__name__}")
    return bool(value)


def shape_tuple(name: str, value, ndim: int | None = None, *, minimum: int = 1) -> tuple[int, ...]:
    """A shape: an int (one axis) or a non-empty tuple of ints, each ``>= minimum``.

    With ``ndim`` the tuple must have that many entries (``ValueError``).

    Examples
    --------
    >>> from convlab._validate import shape_tuple
    >>> shape_tuple("input_shape", 5), shape_tuple("input_shape", (4, 4), 2)
    ((5,), (4, 4))
    """
    adjective = "positive" if minimum == 1 else "non-negative"
    what = f"a {adjective} int or a non-empty tuple of {adjective} ints"
    if ndim is not None:
        what = f"a tuple of {ndim} {adjective} ints"
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    items = tuple(_as_int(name, v, what) for v in items)
    if not items or (ndim is not None and len(items) != ndim):
        raise ValueError(f"{name} must be {what}; got {tuple(items)!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{name} must be {what}; got {items!r}")
    return items


def real_array(name: str, value, ndim: int | tuple[int, ...] | None = None, *,
               allow_empty: bool = False) -> np.ndarray:
    """``value`` as a real (integer or floating) ndarray with ``ndim`` axes.

    ``TypeError`` for another dtype (bool, complex, object, strings), ``ValueError``
    for the wrong number of axes or an empty array. Never copies.

    Examples
    --------
    >>> from convlab._validate import real_array
    >>> real_array("image", [[1, 2], [3, 4]], 2).shape
    (2, 2)
    >>> real_array("signal", [[1, 2]], 1)
    Traceback (most recent call last):
    ...
    ValueError: signal must be a non-empty 1-D array; got shape (1, 2)
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real numeric array; got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular (non-ragged) array; got a ragged sequence") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array (integer or floating); got dtype {arr.dtype}")
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if (dims is not None and arr.ndim not in dims) or (arr.size == 0 and not allow_empty):
        shown = "" if dims is None else " or ".join(f"{d}-D" for d in dims) + " "
        empty = "" if allow_empty else "non-empty "
        raise ValueError(f"{name} must be a {empty}{shown}array; got shape {arr.shape}")
    return arr


def size_param(name: str, value, minimum: int):
    """An int ``>= minimum``, or a SymPy expression (returned as it is), for shape arithmetic.

    Examples
    --------
    >>> import sympy
    >>> from convlab._validate import size_param
    >>> size_param("n", 5, 0), size_param("n", sympy.Symbol("n"), 0)
    (5, n)
    """
    if is_symbolic(value):
        return value
    adjective = "positive" if minimum == 1 else "non-negative"
    v = _as_int(name, value, f"a {adjective} int or a SymPy expression")
    if v < minimum:
        raise ValueError(f"{name} must be a {adjective} int or a SymPy expression; got {v}")
    return v


def int_tuple(name: str, value, nd: int, *, minimum: int, symbolic: bool = False) -> tuple:
    """Normalise an int or a tuple of ``nd`` ints, each ``>= minimum``.

    With ``symbolic``, SymPy expressions are accepted in place of ints.

    Examples
    --------
    >>> from convlab._validate import int_tuple
    >>> int_tuple("stride", 2, 3, minimum=1), int_tuple("stride", [1, 2], 2, minimum=1)
    ((2, 2, 2), (1, 2))
    """
    adjective = "positive" if minimum == 1 else "non-negative"
    what = f"a {adjective} int or a tuple of {nd} {adjective} ints"
    if symbolic:
        what += " (or SymPy expressions)"
    if isinstance(value, (tuple, list)):
        if len(value) != nd:
            raise ValueError(f"{name} must be {what}; got {tuple(value)!r} of length {len(value)}")
        items = tuple(value)
    else:
        items = (value,) * nd
    items = tuple(v if symbolic and is_symbolic(v) else _as_int(name, v, what) for v in items)
    if any(not is_symbolic(v) and v < minimum for v in items):
        shown = value if not isinstance(value, list) else tuple(value)
        raise ValueError(f"{name} must be {what}; got {shown!r}")
    return items


def choice(name: str, value, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of the strings ``allowed`` (``TypeError`` for a non-string).

    Examples
    --------
    >>> from convlab._validate import choice
    >>> choice("mode", "same", ("valid", "same", "full"))
    'same'
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}; got {value!r} of type {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def padding_pairs(padding, nd: int, k: tuple, dilation: tuple, stride: tuple, *,
                  symbolic: bool = False) -> tuple[tuple, ...]:
    """Normalise ``padding`` to one ``(before, after)`` pair per spatial axis.

    ``"same"`` follows torch: the total ``d*(k-1)`` is split with the extra
    element after (on the right), and needs stride 1; ``"full"`` pads
    ``d*(k-1)`` on both sides. With ``symbolic`` the sizes may be SymPy
    expressions (a symbolic stride is refused by ``"same"``: it is not known
    to be 1).

    Examples
    --------
    >>> from convlab._validate import padding_pairs
    >>> padding_pairs("same", 2, (3, 4), (1, 1), (1, 1))
    ((1, 1), (1, 2))
    >>> padding_pairs([1, (0, 2)], 2, (3, 3), (1, 1), (1, 1))
    ((1, 1), (0, 2))
    """
    span = tuple(d * (kk - 1) for d, kk in zip(dilation, k))
    if isinstance(padding, str):
        choice("padding", padding, PADDING_STRINGS)
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "full":
            return tuple((s, s) for s in span)
        if any(is_symbolic(s) or s != 1 for s in stride):
            raise ValueError(
                f"padding='same' needs stride 1 in every dimension; got stride {tuple(stride)}"
            )
        return tuple((s // 2, s - s // 2) for s in span)
    what = (f"a non-negative int, a tuple of {nd} non-negative ints or of {nd} (before, after) "
            f"pairs, or one of {PADDING_STRINGS}")

    def one(v):
        return v if symbolic and is_symbolic(v) else _as_int("padding", v, what)

    if isinstance(padding, (tuple, list)):
        if len(padding) != nd:
            raise ValueError(f"padding must be {what}; got {tuple(padding)!r} of length {len(padding)}")
        pairs = []
        for p in padding:
            if isinstance(p, (tuple, list)):
                if len(p) != 2:
                    raise ValueError(f"padding must be {what}; got the entry {tuple(p)!r}")
                pairs.append((one(p[0]), one(p[1])))
            else:
                v = one(p)
                pairs.append((v, v))
    else:
        v = one(padding)
        pairs = [(v, v)] * nd
    if any(not is_symbolic(v) and v < 0 for pair in pairs for v in pair):
        shown = padding if not isinstance(padding, list) else tuple(padding)
        raise ValueError(f"padding must be {what}; got {shown!r}")
    return tuple(pairs)


# --------------------------------------------------------------------------
# geometry: shapes, stride, padding, dilation -> padding pairs, output shape
# --------------------------------------------------------------------------

def _plain(value) -> bool:
    """True for a str, an exact int, or (nested) tuples of them: safe as a cache key
    (``lru_cache`` would confuse ``True`` with ``1`` and ``1.0`` with ``1``)."""
    kind = type(value)
    return kind is int or kind is str or (kind is tuple and all(_plain(v) for v in value))


def geometry(spatial: tuple[int, ...], kernel: tuple[int, ...], stride, padding, dilation,
             padding_mode: str = "zeros", groups: int = 1) -> Geometry:
    """Validate the geometry of a convolution from shapes alone: a :class:`Geometry`.

    ``spatial`` and ``kernel`` are the input's and the kernel's spatial
    shapes (already known to be tuples of ints of the same length) and
    ``groups`` is already validated. Repeated calls with the same plain
    arguments are answered from a cache.

    Padding that is not zeros needs an input axis with at least one cell;
    ``"reflect"`` also needs padding at most ``n - 1`` on an axis of ``n``
    cells (torch's limit: the edge sample is not repeated, so there are
    ``n - 1`` cells to mirror). ``"circular"``, ``"symmetric"`` and
    ``"replicate"`` admit any width, wrapping, mirroring or repeating as
    often as needed, as ``numpy.pad`` does with ``"wrap"``, ``"symmetric"``
    and ``"edge"`` (torch's circular refuses to wrap more than once).

    Examples
    --------
    >>> from convlab._validate import geometry
    >>> g = geometry((32, 32), (3, 3), 2, 1, 1)
    >>> g.padding, g.out_spatial
    (((1, 1), (1, 1)), (16, 16))
    >>> geometry((3,), (1,), 1, 7, 1, "circular").out_spatial      # wraps more than once
    (17,)
    >>> geometry((3,), (1,), 1, 3, 1, "reflect")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding_mode='reflect' needs padding at most 2 on spatial axis 0 of size 3; got (3, 3) ...
    """
    key = (spatial, kernel, stride, padding, dilation, padding_mode, groups)
    if (type(stride) is int and type(padding) is int and type(dilation) is int) or _plain(key):
        return _geometry_cached(*key)
    return _geometry(*key)


def _geometry(spatial, kernel, stride, padding, dilation, padding_mode, groups) -> Geometry:
    nd = len(spatial)
    stride = int_tuple("stride", stride, nd, minimum=1)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    padding_mode = choice("padding_mode", padding_mode, PADDING_MODES)
    pads = padding_pairs(padding, nd, kernel, dilation, stride)
    if padding_mode != "zeros":
        for axis, (n, (lo, hi)) in enumerate(zip(spatial, pads)):
            if n == 0 and max(lo, hi) > 0:
                raise ValueError(
                    f"padding_mode={padding_mode!r} needs an input with at least one cell on "
                    f"spatial axis {axis} to pad it from; got size 0 with padding {(lo, hi)} "
                    f"(only padding_mode='zeros' pads an empty axis)"
                )
            # reflect mirrors about the edge sample without repeating it: n - 1 cells to
            # mirror, torch's limit (the other modes repeat their pattern as numpy.pad does)
            if padding_mode == "reflect" and max(lo, hi) > n - 1:
                raise ValueError(
                    f"padding_mode={padding_mode!r} needs padding at most {n - 1} on spatial "
                    f"axis {axis} of size {n}; got {(lo, hi)} ('symmetric', 'circular' and "
                    f"'replicate' admit any width)"
                )
    out = []
    for axis, (n, kk, (lo, hi), s, d) in enumerate(zip(spatial, kernel, pads, stride, dilation)):
        padded, span = n + lo + hi, d * (kk - 1) + 1
        if span > padded:
            raise ValueError(
                f"kernel too large: on spatial axis {axis} the dilated kernel spans "
                f"{span} (k={kk}, dilation={d}) but the padded input has size {padded} "
                f"(size {n}, padding {(lo, hi)})"
            )
        out.append((padded - span) // s + 1)
    return Geometry(stride, pads, dilation, groups, padding_mode, tuple(out))


_geometry_cached = functools.lru_cache(maxsize=4096)(_geometry)


# --------------------------------------------------------------------------
# transposed convolution: the adjoint of convnd, validated the same way
# --------------------------------------------------------------------------

class TransposedGeometry(NamedTuple):
    """Everything about a transposed convolution that depends on shapes alone.

    ``stride``, ``padding`` (one ``(before, after)`` pair per axis),
    ``dilation`` and ``groups`` are those of the convolution it is the
    adjoint of; ``output_padding`` adds cells at the end of each axis, and
    ``out_spatial`` is the output's spatial shape, per axis
    ``(n - 1)*stride - before - after + dilation*(k - 1) + output_padding + 1``.
    """

    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int
    output_padding: tuple[int, ...]
    out_spatial: tuple[int, ...]


def transposed_padding(padding, nd: int) -> tuple[tuple[int, int], ...]:
    """A transposed convolution's ``padding``: one ``(before, after)`` pair per axis.

    An int, a tuple of ``nd`` ints, or of ``nd`` ``(before, after)`` pairs,
    all non-negative (torch takes the first two). Strings are refused: a
    transposed convolution has no ``"same"`` or ``"valid"`` (torch has none).

    Examples
    --------
    >>> from convlab._validate import transposed_padding
    >>> transposed_padding(1, 2), transposed_padding((0, (1, 2)), 2)
    (((1, 1), (1, 1)), ((0, 0), (1, 2)))
    >>> transposed_padding("same", 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding of a transposed convolution must be ...; got 'same'. There are no string paddings ...
    """
    what = (f"a non-negative int, a tuple of {nd} non-negative ints or of {nd} (before, after) pairs")
    if isinstance(padding, str):
        raise ValueError(
            f"padding of a transposed convolution must be {what}; got {padding!r}. There are no "
            "string paddings (torch's conv_transpose has none either): pass the ints the forward "
            "convolution used, e.g. convlab.same_padding(k)"
        )
    shown = tuple(padding) if isinstance(padding, list) else padding
    if type(padding) is int and padding >= 0:
        return ((padding, padding),) * nd
    if isinstance(padding, (tuple, list)):
        if len(padding) != nd:
            raise ValueError(f"padding must be {what}; got {shown!r} of length {len(padding)}")
        pairs = []
        for p in padding:
            if isinstance(p, (tuple, list)):
                if len(p) != 2:
                    raise ValueError(f"padding must be {what}; got the entry {tuple(p)!r}")
                pairs.append((_as_int("padding", p[0], what), _as_int("padding", p[1], what)))
            else:
                v = _as_int("padding", p, what)
                pairs.append((v, v))
    else:
        v = _as_int("padding", padding, what)
        pairs = [(v, v)] * nd
    if any(v < 0 for pair in pairs for v in pair):
        raise ValueError(f"padding must be {what}; got {shown!r}")
    return tuple(pairs)


def transposed_geometry(spatial: tuple[int, ...], kernel: tuple[int, ...], stride, padding,
                        output_padding, dilation, groups: int = 1) -> TransposedGeometry:
    """Validate the geometry of a transposed convolution from shapes alone.

    ``spatial`` and ``kernel`` are the input's and the kernel's spatial
    shapes; ``groups`` is already validated. ``output_padding`` must be
    smaller than either the stride or the dilation on each axis (torch's
    rule: it only picks among the input sizes that a convolution maps to
    the same output size), and every output size must be positive. Repeated calls with the same plain
    arguments are answered from a cache.

    Examples
    --------
    >>> from convlab._validate import transposed_geometry
    >>> g = transposed_geometry((28, 28), (4, 4), 2, 1, 0, 1)
    >>> g.padding, g.out_spatial
    (((1, 1), (1, 1)), (56, 56))
    >>> transposed_geometry((16,), (3,), 2, 1, 1, 1).out_spatial
    (32,)
    """
    key = (spatial, kernel, stride, padding, output_padding, dilation, groups)
    if _plain(key):
        return _transposed_geometry_cached(*key)
    return _transposed_geometry(*key)


def _transposed_geometry(spatial, kernel, stride, padding, output_padding, dilation,
                         groups) -> TransposedGeometry:
    nd = len(spatial)
    stride = int_tuple("stride", stride, nd, minimum=1)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    pads = transposed_padding(padding, nd)
    extra = int_tuple("output_padding", output_padding, nd, minimum=0)
    for axis, (op, s, d) in enumerate(zip(extra, stride, dilation)):
        if op >= s and op >= d:
            raise ValueError(
                f"output_padding must be smaller than either stride or dilation (as in torch); got "
                f"output_padding {op} with stride {s} and dilation {d} on spatial axis {axis}"
            )
    out = []
    for axis, (n, kk, (lo, hi), s, d, op) in enumerate(zip(spatial, kernel, pads, stride, dilation,
                                                           extra)):
        if n < 1:
            raise ValueError(
                f"x must have at least one element on every spatial axis of a transposed "
                f"convolution; got size {n} on spatial axis {axis}"
            )
        full = (n - 1) * s + d * (kk - 1) + 1 + op
        if full - lo - hi < 1:
            raise ValueError(
                f"output size {full - lo - hi} on spatial axis {axis} is not positive: padding "
                f"{(lo, hi)} crops more than the {full} cells (n - 1)*stride + dilation*(k - 1) + "
                f"output_padding + 1 of the transposed convolution (size {n}, k={kk}, stride {s}, "
                f"dilation {d}, output_padding {op})"
            )
        out.append(full - lo - hi)
    return TransposedGeometry(stride, pads, dilation, groups, extra, tuple(out))


_transposed_geometry_cached = functools.lru_cache(maxsize=4096)(_transposed_geometry)


def prepare_transposed(x, w, bias, nd: int, stride, padding, output_padding, dilation, groups,
                       method) -> tuple[Problem, bool]:
    """Validate a transposed convolution call; returns the problem and whether
    the input was unbatched.

    ``x`` is ``(N, C_in, *spatial)`` or ``(C_in, *spatial)``, ``w`` is
    ``(C_in, C_out/groups, *k)``: the weight of the convolution it is the
    adjoint of. The same dtype rules, method names and integer overflow check
    as :func:`prepare_conv`.
    """
    x = as_array("x", x)
    w = as_array("w", w)
    bias = as_array("bias", bias, allow_none=True)
    unbatched = _layer_shapes(x, w, nd, w_axes="C_in, C_out/groups")
    if unbatched:
        x = x[np.newaxis]
    method = check_method(method)
    c_in = x.shape[1]
    groups = groups if type(groups) is int and groups >= 1 else positive_int("groups", groups)
    if w.shape[0] != c_in:
        raise ValueError(
            f"channel mismatch: x has C_in={c_in} channels, so w.shape[0] must be C_in={c_in} "
            f"(a transposed convolution's weight is (C_in, C_out/groups, *k)); got w of shape {w.shape}"
        )
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in} (w.shape[0])")
    if 0 in w.shape[2:]:
        raise ValueError(f"w must have a kernel of at least 1 element per spatial axis; got shape {w.shape}")
    c_out = w.shape[1] * groups
    if bias is not None and bias.shape != (c_out,):
        raise ValueError(
            f"bias must have shape (C_out,) = ({c_out},), C_out = w.shape[1] * groups; got shape {bias.shape}"
        )
    geom = transposed_geometry(x.shape[2:], w.shape[2:], stride, padding, output_padding, dilation, groups)
    fan_in = c_in // groups * math.prod(w.shape[2:])
    return _finish(x, w, bias, geom, method, fan_in), unbatched


# --------------------------------------------------------------------------
# gradients of a convolution (convlab.grad): the sizes and arrays they take
# --------------------------------------------------------------------------

def _size_sequence(name: str, value, lengths: tuple[int, ...], what: str) -> tuple[int, ...]:
    """``value`` as a tuple of ints with one of the ``lengths`` (a shape: tuple, list, torch.Size)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be {what}; got {value!r} of type {type(value).__name__}")
    items = tuple(_as_int(name, v, what) for v in value)
    if len(items) not in lengths:
        raise ValueError(f"{name} must be {what}; got {items!r} of length {len(items)}")
    return items


def _grad_output(grad_output, n_batch: int, c_out: int, geom: Geometry, context: str) -> None:
    """Check that ``grad_output`` has the shape of the convolution's output."""
    want = (n_batch, c_out, *geom.out_spatial)
    if grad_output.shape != want:
        raise ValueError(
            f"grad_output must have the shape of the convolution's output (N, C_out, *out) = {want} "
            f"for {context}; got shape {grad_output.shape}"
        )


def _grad_method(method, *arrays) -> str:
    method = check_method(method)
    if method == "fft" and any(a.dtype.kind == "O" for a in arrays):
        raise TypeError("method='fft' needs numeric arrays; input, weight or grad_output is an object "
                        "array (SymPy expressions?): use method='loop' or method='im2col'")
    return method


def prepare_input_grad(input_size, weight, grad_output, nd: int, stride, padding, dilation, groups, method):
    """Validate a call of ``convlab.grad.conv{nd}d_input``.

    ``input_size`` is ``(N, C_in, *spatial)`` or the spatial shape alone,
    ``weight`` ``(C_out, C_in/groups, *k)`` and ``grad_output`` the shape of
    the convolution's output. Returns ``(weight, grad_output, geometry,
    output_padding, method)``: the arrays, the forward convolution's
    :class:`Geometry`, and the ``output_padding`` of the transposed
    convolution that gives back ``input_size`` (the cells of the input past
    the last window, per axis).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import prepare_input_grad
    >>> _, _, g, extra, _ = prepare_input_grad((10,), np.ones((1, 1, 3)), np.ones((1, 1, 4)), 1, 2, 0, 1,
    ...                                        1, "auto")
    >>> g.out_spatial, extra            # windows at 0, 2, 4, 6 end at 8: input cell 9 is read by none
    ((4,), (1,))
    """
    weight = as_array("weight", weight)
    grad_output = as_array("grad_output", grad_output)
    method = _grad_method(method, weight, grad_output)
    if weight.ndim != nd + 2:
        raise ValueError(f"weight must have shape (C_out, C_in/groups, {', '.join(['k'] * nd)}) with "
                         f"{nd + 2} dimensions; got shape {weight.shape}")
    if grad_output.ndim != nd + 2:
        raise ValueError(f"grad_output must have shape (N, C_out, *out) with {nd + 2} dimensions for a "
                         f"{nd}-d convolution; got shape {grad_output.shape}")
    what = f"a shape of {nd + 2} ints (N, C_in, *spatial) or of {nd} ints (the spatial shape)"
    size = _size_sequence("input_size", input_size, (nd, nd + 2), what)
    groups = positive_int("groups", groups)
    c_out, c_in = weight.shape[0], weight.shape[1] * groups
    n_batch = grad_output.shape[0]
    if len(size) == nd + 2:
        if size[0] != n_batch or size[1] != c_in:
            raise ValueError(
                f"input_size {size} must be (N, C_in, *spatial) with N={n_batch} (grad_output.shape[0]) "
                f"and C_in={c_in} (weight.shape[1] * groups)"
            )
        size = size[2:]
    if any(n < 1 for n in size):
        raise ValueError(f"input_size must have positive spatial sizes; got {tuple(size)}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (weight.shape[0])")
    if 0 in weight.shape[2:]:
        raise ValueError(f"weight must have a kernel of at least 1 element per spatial axis; got shape "
                         f"{weight.shape}")
    geom = geometry(size, weight.shape[2:], stride, padding, dilation, "zeros", groups)
    _grad_output(grad_output, n_batch, c_out, geom, f"input_size {tuple(size)} and weight of shape "
                                                    f"{weight.shape}")
    extra = tuple(n + lo + hi - d * (k - 1) - 1 - (o - 1) * s for n, k, (lo, hi), d, s, o in
                  zip(size, weight.shape[2:], geom.padding, geom.dilation, geom.stride, geom.out_spatial))
    return weight, grad_output, geom, extra, method


def prepare_weight_grad(input, weight_size, grad_output, nd: int, stride, padding, dilation, groups,
                        method):
    """Validate a call of ``convlab.grad.conv{nd}d_weight``.

    ``input`` is ``(N, C_in, *spatial)``, ``weight_size`` ``(C_out,
    C_in/groups, *k)`` and ``grad_output`` the shape of the convolution's
    output. Returns ``(input, grad_output, geometry, weight_size, method)``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import prepare_weight_grad
    >>> _, _, g, size, _ = prepare_weight_grad(np.ones((2, 4, 8)), (6, 2, 3), np.ones((2, 6, 8)), 1, 1,
    ...                                        "same", 1, 2, "auto")
    >>> g.padding, size
    (((1, 1),), (6, 2, 3))
    """
    x = as_array("input", input)
    grad_output = as_array("grad_output", grad_output)
    method = _grad_method(method, x, grad_output)
    if x.ndim != nd + 2:
        raise ValueError(f"input must have shape (N, C_in, *spatial) with {nd + 2} dimensions for a "
                         f"{nd}-d convolution; got shape {x.shape}")
    if grad_output.ndim != nd + 2:
        raise ValueError(f"grad_output must have shape (N, C_out, *out) with {nd + 2} dimensions for a "
                         f"{nd}-d convolution; got shape {grad_output.shape}")
    what = f"a shape of {nd + 2} positive ints (C_out, C_in/groups, {', '.join(['k'] * nd)})"
    size = _size_sequence("weight_size", weight_size, (nd + 2,), what)
    if any(v < 1 for v in size):
        raise ValueError(f"weight_size must be {what}; got {size}")
    groups = positive_int("groups", groups)
    c_out, c_in = size[0], x.shape[1]
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (weight_size[0])")
    if size[1] * groups != c_in:
        raise ValueError(f"weight_size {size} must have C_in/groups = {c_in}/{groups} in position 1 for an "
                         f"input with C_in={c_in} channels and groups={groups}")
    geom = geometry(x.shape[2:], size[2:], stride, padding, dilation, "zeros", groups)
    _grad_output(grad_output, x.shape[0], c_out, geom, f"input of shape {x.shape} and weight_size {size}")
    return x, grad_output, geom, size, method


# --------------------------------------------------------------------------
# whole problems
# --------------------------------------------------------------------------

def check_method(method) -> str:
    """``method`` if it is ``"auto"`` or one of :data:`convlab.METHODS`."""
    if method in METHOD_NAMES and type(method) is str:
        return method
    return choice("method", method, METHOD_NAMES)


def _layer_shapes(x: np.ndarray, w: np.ndarray, nd: int, w_axes: str = "C_out, C_in/groups") -> bool:
    """Check the ranks of ``x`` and ``w`` for an ``nd``-d layer; True when ``x`` is unbatched."""
    if w.ndim != nd + 2:
        raise ValueError(
            f"w must have shape ({w_axes}, {', '.join(['k'] * nd)}) with {nd + 2} "
            f"dimensions; got shape {w.shape}"
        )
    if x.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"x must have shape (N, C_in, *spatial) or (C_in, *spatial) with {nd + 2} or "
            f"{nd + 1} dimensions for a {nd}-d convolution; got shape {x.shape}"
        )
    return x.ndim == nd + 1


def _channels(c_in: int, c_out: int, w_shape: tuple[int, ...], groups) -> int:
    """Validate ``groups`` against the channel counts; returns it as an int."""
    groups = groups if type(groups) is int and groups >= 1 else positive_int("groups", groups)
    if c_in % groups:
        raise ValueError(f"groups={groups} must divide the input channels C_in={c_in}")
    if c_out % groups:
        raise ValueError(f"groups={groups} must divide the output channels C_out={c_out} (w.shape[0])")
    if w_shape[1] * groups != c_in:
        raise ValueError(
            f"channel mismatch: x has C_in={c_in} channels, so w.shape[1] must be "
            f"C_in/groups={c_in // groups}; got w of shape {w_shape}"
        )
    if 0 in w_shape[2:]:
        raise ValueError(f"w must have a kernel of at least 1 element per spatial axis; got shape {w_shape}")
    return groups


def _finish(x, w, bias, geom: Geometry, method: str, fan_in: int | None = None) -> Problem:
    """The dtype rules and the checks that need values; the :class:`Problem`
    (``fan_in``: the products summed into one output, default ``w[0].size``)."""
    dtype = _result_dtype(x.dtype, w.dtype, None if bias is None else bias.dtype)
    if dtype.kind == "O" and method == "fft":
        raise TypeError(
            "method='fft' needs numeric arrays; x, w or bias is an object array "
            "(SymPy expressions?): use method='loop' or method='im2col'"
        )
    if dtype.kind == "i":
        check_integer_range(x, w, bias, (w[0].size if w.shape[0] else 0) if fan_in is None else fan_in)
    return Problem(x, w, bias, geom, method, dtype)


def prepare_conv(x, w, bias, nd: int, stride, padding, dilation, groups,
                 padding_mode, method) -> tuple[Problem, bool]:
    """Validate a deep-learning convolution call; returns the problem and
    whether the input was unbatched."""
    x = as_array("x", x)
    w = as_array("w", w)
    bias = as_array("bias", bias, allow_none=True)
    unbatched = _layer_shapes(x, w, nd)
    if unbatched:
        x = x[np.newaxis]
    method = check_method(method)
    groups = _channels(x.shape[1], w.shape[0], w.shape, groups)
    if bias is not None and bias.shape != (w.shape[0],):
        raise ValueError(f"bias must have shape (C_out,) = ({w.shape[0]},); got shape {bias.shape}")
    geom = geometry(x.shape[2:], w.shape[2:], stride, padding, dilation, padding_mode, groups)
    return _finish(x, w, bias, geom, method), unbatched


class SignalLayout(NamedTuple):
    """How a ``correlate``/``convolve`` result sits in its problem's ``(N, C_out, *out)``.

    The problem holds the caller's axes in the order ``x``'s batch axes
    (``w`` has size 1 there: the batch ``N``), the batch axes both share
    (one group each, ``C_in = groups``), ``w``'s batch axes (``x`` has size
    1 there: the output channels of a group), then the convolved axes.
    ``shape`` is the result with those axes apart, ``order`` the
    permutation back to the caller's order (``None``: already in order).
    """

    shape: tuple[int, ...]
    order: tuple[int, ...] | None

    def restore(self, y: np.ndarray) -> np.ndarray:
        """The caller's array from the problem's result ``y``."""
        y = y.reshape(self.shape)
        return y if self.order is None else np.ascontiguousarray(y.transpose(self.order))


def correlate_axes(value, ndim: int) -> tuple[int, ...]:
    """``axes`` of ``correlate``/``convolve``: the axes to convolve over, sorted.

    ``None`` means every axis; otherwise an int or a non-empty tuple or list
    of distinct ints in ``-ndim..ndim-1`` (negative ones count from the end,
    as in numpy and ``scipy.signal.fftconvolve``). ``TypeError`` for a value
    that is not an int, ``ValueError`` for an empty, out-of-range or
    repeated one.

    Examples
    --------
    >>> from convlab._validate import correlate_axes
    >>> correlate_axes(None, 3), correlate_axes(-1, 3), correlate_axes([2, 0], 3)
    ((0, 1, 2), (2,), (0, 2))
    >>> correlate_axes((0, -2), 2)
    Traceback (most recent call last):
    ...
    ValueError: axes must name distinct axes; got (0, -2), which names axis 0 twice for arrays of 2 dimensions
    """
    if value is None:
        return tuple(range(ndim))
    what = "None, an int or a non-empty tuple of distinct ints"
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    shown = tuple(value) if isinstance(value, list) else value
    for v in items:
        if not _is_int(v):
            raise TypeError(f"axes must be {what}; got {shown!r}, which holds {v!r} of type "
                            f"{type(v).__name__}")
    if not items:
        raise ValueError(f"axes must be {what}: at least one axis to convolve over; got {shown!r}")
    normal = []
    for v in map(operator.index, items):
        if not -ndim <= v < ndim:
            raise ValueError(f"axes must be ints in {-ndim}..{ndim - 1} for arrays of {ndim} "
                             f"dimensions; got {shown!r}, which holds {v}")
        v %= ndim
        if v in normal:
            raise ValueError(f"axes must name distinct axes; got {shown!r}, which names axis {v} "
                             f"twice for arrays of {ndim} dimensions")
        normal.append(v)
    return tuple(sorted(normal))


def prepare_correlate(x, w, mode, method, axes=None) -> tuple[Problem, SignalLayout]:
    """Validate a ``correlate``/``convolve`` call: the single-channel
    :class:`Problem` (batched over the axes not in ``axes``) and the
    :class:`SignalLayout` of its result.

    On each axis in ``axes`` (default: all), of sizes ``n`` in ``x`` and
    ``k`` in ``w``, the result has ``n - k + 1`` (``valid``, which needs
    ``k <= n``), ``n`` (``same``) or ``n + k - 1`` (``full``) cells when
    ``n >= 1``, and none in every mode when ``n == 0``: an empty signal
    has no sample to overlap the kernel with. The other axes broadcast as
    in ``scipy.signal.fftconvolve``: equal sizes, or size 1 in ``x`` or in
    ``w``. ``w`` must not be empty.
    """
    x = as_array("x", x)
    w = as_array("w", w)
    mode = choice("mode", mode, MODES)
    method = check_method(method)
    if x.ndim == 0 or w.ndim == 0:
        raise ValueError(
            f"x and w must be at least 1-D; got x of shape {x.shape} and w of shape {w.shape}"
        )
    if x.ndim != w.ndim:
        raise ValueError(
            f"x and w must have the same number of dimensions; got x of shape {x.shape} "
            f"and w of shape {w.shape}"
        )
    if w.size == 0:
        raise ValueError(f"w must not be empty; got shape {w.shape}")
    conv_axes = correlate_axes(axes, x.ndim)
    if len(conv_axes) == x.ndim:
        xs, ws, groups, batch, order = x[np.newaxis, np.newaxis], w[np.newaxis, np.newaxis], 1, (), None
    else:
        xs, ws, groups, batch, order = _broadcast_batch(x, w, conv_axes)
    n_shape, k_shape = xs.shape[2:], ws.shape[2:]
    if mode == "valid":
        for a, n, k in zip(conv_axes, n_shape, k_shape):
            if n and k > n:
                raise ValueError(
                    f"kernel too large: mode='valid' needs w no larger than x on every convolved "
                    f"axis; on axis {a} w has size {k} but x has size {n}"
                )
        pads = ((0, 0),) * len(k_shape)
    elif mode == "same":      # scipy's centring: 'same' is full[(k-1)//2 : (k-1)//2 + n]
        pads = tuple((k - 1 - (k - 1) // 2, (k - 1) // 2) for k in k_shape)
    else:
        pads = tuple((k - 1, k - 1) for k in k_shape)
    if 0 in n_shape:          # an empty signal: no cell on that axis, in every mode
        pads = tuple((0, 0) if n == 0 else p for n, p in zip(n_shape, pads))
        out = tuple(n + lo + hi - k + 1 if n else 0 for n, k, (lo, hi) in zip(n_shape, k_shape, pads))
        nd = len(n_shape)
        geom = Geometry((1,) * nd, pads, (1,) * nd, groups, "zeros", out)
    else:
        geom = geometry(n_shape, k_shape, 1, pads, 1, "zeros", groups)
    layout = SignalLayout(batch + geom.out_spatial, order)
    return _finish(xs, ws, None, geom, method), layout


def _broadcast_batch(x: np.ndarray, w: np.ndarray, conv_axes: tuple[int, ...]):
    """``x`` and ``w`` as ``(N, groups, *n)`` and ``(groups * C_out_g, 1, *k)``:
    the axes not convolved over become the batch (``x``'s alone), the groups
    (both operands') and each group's output channels (``w``'s alone)."""
    alone_x, shared, alone_w = [], [], []
    for a in range(x.ndim):
        if a in conv_axes:
            continue
        n, m = x.shape[a], w.shape[a]
        if m == 1:
            alone_x.append(a)
        elif n == 1:
            alone_w.append(a)
        elif n == m:
            shared.append(a)
        else:
            raise ValueError(
                f"x and w must have equal sizes, or size 1 in one of them, on every axis not "
                f"in axes={conv_axes} (they broadcast there, as in scipy.signal.fftconvolve); "
                f"got x of shape {x.shape} and w of shape {w.shape}, sizes {n} and {m} on axis {a}"
            )
    conv = list(conv_axes)
    n_shape, k_shape = tuple(x.shape[a] for a in conv), tuple(w.shape[a] for a in conv)
    groups = math.prod(x.shape[a] for a in shared)
    xs = x.transpose(alone_x + shared + alone_w + conv).reshape(
        (math.prod(x.shape[a] for a in alone_x), groups, *n_shape))
    ws = w.transpose(shared + alone_w + alone_x + conv).reshape(
        (groups * math.prod(w.shape[a] for a in alone_w), 1, *k_shape))
    held = alone_x + shared + alone_w + conv
    batch = tuple(x.shape[a] for a in alone_x + shared) + tuple(w.shape[a] for a in alone_w)
    order = tuple(int(i) for i in np.argsort(held))
    return xs, ws, groups, batch, None if held == sorted(held) else order


# --------------------------------------------------------------------------
# pooling: torch's kernel_size, stride, padding, dilation, ceil_mode and
# divisor rules, and the arrays pooling accepts (convlab.pooling)
# --------------------------------------------------------------------------

class PoolGeometry(NamedTuple):
    """Everything about a pooling that depends on shapes alone, by torch's rules.

    ``padding`` is the symmetric padding of each spatial axis and ``extra``
    the further cells after the padded input that ``ceil_mode``'s last
    windows reach into (they belong to no window's divisor: torch clips such
    a window to the padded input). ``out_spatial`` is the output's spatial
    shape. ``count_include_pad`` and ``divisor_override`` are average
    pooling's (``True`` and ``None`` for max pooling).
    """

    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    count_include_pad: bool
    divisor_override: int | None
    out_spatial: tuple[int, ...]
    extra: tuple[int, ...]

    @property
    def pairs(self) -> tuple[tuple[int, int], ...]:
        """``(before, after)`` padding per axis, ``extra`` included: what ``convnd`` is given."""
        return tuple((p, p + e) for p, e in zip(self.padding, self.extra))


def pool_output_size(n: int, k: int, stride: int, padding: int, dilation: int, ceil_mode: bool) -> int:
    """torch's output length of a pooling along one axis (may be < 1: too small).

    ``floor`` (or with ``ceil_mode`` ``ceil``) of
    ``(n + 2*padding - dilation*(k - 1) - 1) / stride``, plus one; with
    ``ceil_mode`` the last window must start inside the input or its left
    padding, else it is dropped.

    Examples
    --------
    >>> from convlab._validate import pool_output_size
    >>> pool_output_size(5, 2, 2, 0, 1, False), pool_output_size(5, 2, 2, 0, 1, True)
    (2, 3)
    >>> pool_output_size(4, 2, 2, 1, 1, True)     # a 4th window would start in the right padding
    3
    """
    span = dilation * (k - 1) + 1
    out = (n + 2 * padding - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out


def _pool_plain(kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                divisor_override) -> bool:
    """True when the arguments are safe as a cache key (exact ints, tuples, bools, None)."""
    return (_plain(kernel_size) and (stride is None or _plain(stride)) and _plain(padding)
            and _plain(dilation) and type(ceil_mode) is bool and type(count_include_pad) is bool
            and (divisor_override is None or type(divisor_override) is int))


def pool_geometry(spatial: tuple[int, ...], kernel_size, stride=None, padding=0, dilation=1,
                  ceil_mode=False, *, count_include_pad=True, divisor_override=None) -> PoolGeometry:
    """Validate a pooling's parameters against the input's spatial shape: a :class:`PoolGeometry`.

    torch's rules: ``kernel_size``, ``stride`` (``None``: the kernel size)
    and ``dilation`` are positive ints or tuples of one per axis, ``padding``
    non-negative and at most half the kernel size, ``kernel_size // 2``, on
    every axis (torch checks the undilated kernel), ``ceil_mode`` and
    ``count_include_pad`` bools, ``divisor_override`` ``None`` or a positive
    int. The output must have at least one element per axis, and every window
    must hold at least one input cell (with a large dilation one can hold
    padding only: torch then returns ``-inf`` and an index outside the
    input). Repeated calls with the same plain arguments are answered from a
    cache.

    Examples
    --------
    >>> from convlab._validate import pool_geometry
    >>> g = pool_geometry((5, 6), 2, ceil_mode=True)
    >>> g.stride, g.out_spatial, g.extra
    ((2, 2), (3, 3), (1, 0))
    >>> pool_geometry((5,), 3, padding=2)                  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: padding must be at most half the kernel size (kernel_size // 2 = (1,)) ...
    """
    key = (tuple(spatial), kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
           divisor_override)
    if _pool_plain(*key[1:]):
        return _pool_geometry_cached(*key)
    return _pool_geometry(*key)


def _pool_geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode, count_include_pad,
                   divisor_override) -> PoolGeometry:
    nd = len(spatial)
    kernel = int_tuple("kernel_size", kernel_size, nd, minimum=1)
    stride = kernel if stride is None else int_tuple("stride", stride, nd, minimum=1)
    pads = int_tuple("padding", padding, nd, minimum=0)
    dilation = int_tuple("dilation", dilation, nd, minimum=1)
    ceil_mode = flag("ceil_mode", ceil_mode)
    count_include_pad = flag("count_include_pad", count_include_pad)
    if divisor_override is not None:
        divisor_override = positive_int("divisor_override", divisor_override)
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise ValueError(
            f"padding must be at most half the kernel size (kernel_size // 2 = "
            f"{tuple(k // 2 for k in kernel)}) on every axis, as in torch; got padding={pads} "
            f"for kernel_size={kernel}"
        )
    out, extra = [], []
    for axis, (n, k, s, p, d) in enumerate(zip(spatial, kernel, stride, pads, dilation)):
        size = pool_output_size(n, k, s, p, d, ceil_mode)
        if size < 1:
            raise ValueError(
                f"output too small: on spatial axis {axis} the window spans {d * (k - 1) + 1} "
                f"(kernel_size={k}, dilation={d}) but the padded input has size {n + 2 * p} "
                f"(size {n}, padding {p}), so there is no output position"
            )
        starts = np.arange(size) * s - p                    # each window's first tap, in input cells
        taps = starts[:, None] + np.arange(k) * d
        empty = ~((taps >= 0) & (taps < n)).any(axis=1)
        if empty.any():
            o = int(np.argmax(empty))
            raise ValueError(
                f"on spatial axis {axis} the window of output {o} holds padding only (input size {n}, "
                f"kernel_size={k}, dilation={d}, padding={p}, stride={s}); reduce the padding or "
                f"the dilation"
            )
        out.append(size)
        extra.append(max(0, (size - 1) * s + d * (k - 1) + 1 - (n + 2 * p)))
    return PoolGeometry(kernel, stride, pads, dilation, ceil_mode, count_include_pad,
                        divisor_override, tuple(out), tuple(extra))


_pool_geometry_cached = functools.lru_cache(maxsize=1024)(_pool_geometry)


def pool_input(name: str, value, nd: int, op: str) -> tuple[np.ndarray, bool]:
    """``value`` as a real ``(N, C, *spatial)`` array for an ``nd``-d pooling ``op``,
    and whether it was unbatched ``(C, *spatial)`` (then a batch axis is added).

    ``TypeError`` for a dtype that is not integer or floating (bool, complex,
    object), ``ValueError`` for the wrong number of axes or an empty channel
    or spatial axis (an empty batch is allowed).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import pool_input
    >>> x, unbatched = pool_input("x", np.ones((3, 4, 4)), 2, "max_pool2d")
    >>> x.shape, unbatched
    ((1, 3, 4, 4), True)
    """
    arr = as_array(name, value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real numeric array (integer or floating) for {op}; got dtype {arr.dtype}"
        )
    if arr.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"{name} must have shape (N, C, *spatial) or (C, *spatial) with {nd + 2} or {nd + 1} "
            f"dimensions for {op}; got shape {arr.shape}"
        )
    unbatched = arr.ndim == nd + 1
    if unbatched:
        arr = arr[np.newaxis]
    if 0 in arr.shape[1:]:
        raise ValueError(
            f"{name} must have at least one channel and one cell per spatial axis for {op}; "
            f"got shape {arr.shape[unbatched:]}"
        )
    return arr, unbatched


def pool_grad_output(value, shape: tuple[int, ...], op: str) -> np.ndarray:
    """``grad_output`` of a pooling ``op`` as a real array of exactly ``shape``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import pool_grad_output
    >>> pool_grad_output(np.ones((1, 2, 3)), (1, 2, 3), "max_pool1d").shape
    (1, 2, 3)
    """
    arr = as_array("grad_output", value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"grad_output must be a real numeric array (integer or floating) for {op}; "
            f"got dtype {arr.dtype}"
        )
    if arr.shape != tuple(shape):
        raise ValueError(
            f"grad_output must have the shape of {op}'s output, {tuple(shape)}; got shape {arr.shape}"
        )
    return arr
