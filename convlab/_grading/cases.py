"""The cases of every family of tasks, and how a case is made smaller.

A family turns a seeded generator and the check's options into labelled
cases ``(label, args)``, ``args`` being what the reader's function receives:
first hand-picked edge cases (a kernel as large as the input, one output
cell, a 1x1 kernel, a single channel, integers, an integer input with a
fractional kernel...), their labels naming what the options make of them
("stride 2 > kernel 1"), then ``n_random`` random cases. ``smaller(args,
options)`` yields candidate cases one step smaller (a batch of one, fewer
channels, a shorter input or kernel, rounded values), which
:mod:`.report` tries while shrinking a failure; a candidate the reference
refuses is simply skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .. import conv, pooling, shapes
from .._shape_core import span

Case = tuple[str, tuple]
GEOMETRY = ("stride", "padding", "dilation")


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def _take(a: np.ndarray, axis: int, index) -> np.ndarray:
    where = [slice(None)] * a.ndim
    where[axis] = index
    return a[tuple(where)]


def _fit(a: np.ndarray, axis: int, n: int) -> np.ndarray:
    """``a`` cut to length ``n`` along ``axis``, or repeated (wrapped) up to it."""
    if a.shape[axis] >= n:
        return _take(a, axis, slice(0, n))
    return np.take(a, np.arange(n) % a.shape[axis], axis=axis)


def _fewer_per_group(a: np.ndarray, axis: int, groups: int, per: int) -> np.ndarray:
    """Keep the first ``per`` entries of each of ``groups`` blocks along ``axis``."""
    shape = a.shape
    blocks = a.reshape(*shape[:axis], groups, shape[axis] // groups, *shape[axis + 1:])
    kept = _take(blocks, axis + 1, slice(0, per))
    return kept.reshape(*shape[:axis], groups * per, *shape[axis + 1:])


def _simpler(a) -> Iterator[np.ndarray]:
    """``a`` with simpler values (same shape and float dtype): 1, 2, 3, ... in order, then rounded."""
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "fc" or a.size == 0:
        return
    counting = np.arange(1, a.size + 1, dtype=a.dtype).reshape(a.shape)
    if not np.array_equal(counting, a):
        yield counting
    r = np.round(a) + 0.0                             # + 0.0: no negative zeros
    if not np.array_equal(r, a) and not np.array_equal(r, counting):
        yield r


def _simplified(args: tuple, indices=None) -> Iterator[tuple]:
    """``args`` with one array's values made simpler (see :func:`_simpler`)."""
    for i, a in enumerate(args):
        if indices is None or i in indices:
            for r in _simpler(a):
                yield (*args[:i], r, *args[i + 1:])


def _geometry(options: dict) -> tuple[int, object, int]:
    """``(stride, padding, dilation)`` of the options as ints where they are one int (else as given)."""
    def one(name, default):
        v = options.get(name, default)
        return v if isinstance(v, (int, np.integer)) else default
    padding = options.get("padding", 0)
    return one("stride", 1), (padding if isinstance(padding, (int, np.integer)) else None), one("dilation", 1)


def notes(k: int, options: dict) -> str:
    """What the options make of a kernel of ``k`` taps: ", stride 2 > kernel 1", ", padding 2 >= kernel 1"."""
    stride, padding, _ = _geometry(options)
    out = ""
    if stride > k:
        out += f", stride {stride} > kernel {k}"
    if padding is not None and padding >= k:
        out += f", padding {padding} >= kernel {k}"
    return out


def one_cell_kernel(options: dict, low: int = 2) -> tuple[int, int] | None:
    """``(n, k)``: a kernel of at least ``low`` taps and an input on which it has exactly one output."""
    stride, padding, dilation = _geometry(options)
    if padding is None:
        return None
    for k in range(low, low + 8):
        extent = span(k, dilation)
        if extent - 2 * padding >= 1:
            return extent - 2 * padding, k
    return None


def _fractions(rng: np.random.Generator, shape) -> np.ndarray:
    """Values with fractions that float arithmetic holds exactly: multiples of 1/4 in (-2, 2)."""
    return rng.integers(-7, 8, shape) / 4.0


@dataclass(frozen=True)
class Family:
    """How a family of tasks makes its cases and shrinks them.

    ``names`` are the names of the arguments the reader's function gets;
    ``linear`` the indices of the arguments the answer depends on linearly
    (replaced by ``|a|`` and by ones to find a case's scale and number of
    terms); ``spatial`` how many trailing axes of the kernel are spatial.
    """

    names: tuple[str, ...]
    cases: Callable[..., Iterator[Case]]
    smaller: Callable[..., Iterator[tuple]]
    linear: tuple[int, ...] = (0, 1)


# --------------------------------------------------------------------------
# signals and images: correlate, convolve, conv1d_single, conv2d_single
# --------------------------------------------------------------------------

def _kernel_shape(kernel_size, ndim: int) -> tuple[int, ...] | None:
    """The kernel shape ``kernel_size`` fixes (an int: the same on every axis), or None."""
    if kernel_size is None:
        return None
    return (kernel_size,) * ndim if isinstance(kernel_size, (int, np.integer)) else tuple(kernel_size)


def signal_cases(rng: np.random.Generator, n_random: int, ndim: int = 1, single: bool = False,
                 kernel_size=None, **options) -> Iterator[Case]:
    """Signal cases; a ``kernel_size`` keeps the edge cases with a kernel of that shape, adds a
    signal as long as the kernel if none is, and draws the random signals at least that long."""
    fixed = _kernel_shape(kernel_size, ndim)
    if fixed is None:
        yield from _signal_cases(rng, n_random, ndim, single, **options)
        return
    if len(fixed) != ndim:
        raise ValueError(f"kernel_size must be an int or a tuple of {ndim} ints for ndim={ndim}; "
                         f"got {kernel_size!r}")
    kept = [(label, args) for label, args in _signal_cases(rng, 0, ndim, single, **options)
            if np.shape(args[1]) == fixed]
    yield from kept
    if not any(np.shape(x) == fixed for _, (x, _w) in kept):
        size = int(np.prod(fixed))
        yield "signal as long as the kernel", (np.arange(1.0, size + 1).reshape(fixed),
                                               (np.arange(size) % 5 - 2.0).reshape(fixed))
    for i in range(n_random):
        n = tuple(int(rng.integers(k, k + 12)) for k in fixed)
        yield f"random #{i + 1}: x{n} w{fixed}", (rng.standard_normal(n), rng.standard_normal(fixed))


def _signal_cases(rng: np.random.Generator, n_random: int, ndim: int = 1, single: bool = False,
                  **options) -> Iterator[Case]:
    geometry = options if single else {}
    if ndim == 1:
        yield "kernel of size 1" + notes(1, geometry), (np.array([1.0, -2.0, 3.0]), np.array([2.0]))
        yield "kernel as long as the signal", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, -1.0]))
        yield "asymmetric kernel (order matters)", (np.arange(6.0), np.array([1.0, 2.0, 3.0]))
        yield "even-length kernel", (np.arange(7.0), np.array([1.0, -1.0]))
        yield "integers", (np.array([3, 1, 4, 1, 5, 9, 2, 6]), np.array([1, -1, 2]))
        yield "a single-sample signal and kernel", (np.array([5.0]), np.array([-1.0]))
        yield "integer signal, fractional kernel", (np.array([3, -1, 4, 1, -5, 9]), np.array([0.5, -0.25]))
        cell = one_cell_kernel(geometry) if single else None
        if cell and cell[0] != cell[1]:                # the padding or dilation changes the input needed
            n, k = cell
            yield "one output cell", (np.arange(1.0, n + 1), np.arange(1.0, k + 1) ** 2)
    elif ndim == 2:
        yield "1x1 kernel" + notes(1, geometry), (np.arange(12.0).reshape(3, 4), np.array([[-2.0]]))
        _, pad, dil = _geometry(geometry)
        one = pad == 0 and dil == 1 and options.get("mode", "valid") == "valid"
        yield "kernel as large as the image" + (": one output cell" if one else ""), (
            np.arange(1.0, 7.0).reshape(2, 3), np.array([[1.0, 0.0, 2.0], [-1.0, 3.0, 0.0]]))
        yield "asymmetric kernel (a flip matters)", (np.arange(20.0).reshape(4, 5),
                                                      np.array([[1.0, 2.0], [3.0, 5.0]]))
        yield "a row kernel (1 x 3) on a tall image", (np.arange(15.0).reshape(5, 3),
                                                      np.array([[1.0, -2.0, 4.0]]))
        yield "integers", (rng.integers(-4, 5, (5, 6)), rng.integers(-2, 3, (2, 3)))
        yield "integer image, fractional kernel", (rng.integers(-4, 5, (4, 4)), _fractions(rng, (2, 2)))
        cell = one_cell_kernel(geometry) if single else None
        if cell and cell[0] != cell[1]:
            n, k = cell
            yield "one output cell", (np.arange(1.0, n * n + 1).reshape(n, n),
                                      np.arange(1.0, k * k + 1).reshape(k, k) % 5 - 2)
    for i in range(n_random):
        n = tuple(int(v) for v in rng.integers(1, 12, size=ndim))
        k = tuple(int(rng.integers(1, m + 1)) for m in n)
        yield f"random #{i + 1}: x{n} w{k}", (rng.standard_normal(n), rng.standard_normal(k))


def signal_smaller(args: tuple, options: dict) -> Iterator[tuple]:
    x, w = args
    fixed = options.get("kernel_size") is not None      # the kernel keeps its size, the signal >= it
    for axis in range(x.ndim):
        n, least = x.shape[axis], w.shape[axis] if fixed else 1
        if n > 2 and (n + 1) // 2 >= least:
            yield _take(x, axis, slice(0, (n + 1) // 2)), w
        if n > least:
            yield _take(x, axis, slice(0, n - 1)), w
            yield _take(x, axis, slice(1, n)), w
    for axis in range(w.ndim if not fixed else 0):
        k = w.shape[axis]
        if k > 1:
            yield x, _take(w, axis, slice(0, k - 1))
            yield x, _take(w, axis, slice(1, k))
    yield from _simplified(args)


SIGNAL = Family(("x", "w"), signal_cases, signal_smaller)


def single_family(nd: int) -> Family:
    """``conv1d_single``/``conv2d_single``: signal cases whose edge cases follow the options."""
    return Family(("x", "w"), lambda rng, n, **kw: signal_cases(rng, n, ndim=nd, single=True, **kw),
                  signal_smaller)


# --------------------------------------------------------------------------
# layers: (N, C_in, *n) inputs and (C_out, C_in / groups, *k) weights
# --------------------------------------------------------------------------

def _layer_hand(rng: np.random.Generator, nd: int, groups: int, options: dict) -> Iterator[tuple]:
    """Edge cases of a layer: ``(label, x, w)``."""
    g = groups

    def sp(v):
        return (v,) * nd

    cell = one_cell_kernel(options, low=3)
    if cell:
        n, k = cell
        yield ("kernel as large as the (padded) input: one output cell",
               rng.standard_normal((1, g, *sp(n))), rng.standard_normal((g, 1, *sp(k))))
    yield ("1x1 kernel" + notes(1, options), rng.standard_normal((2, 2 * g, *sp(4))),
           rng.standard_normal((3 * g, 2, *sp(1))))
    yield ("single channel, asymmetric kernel", np.arange(float(g * 6 ** nd)).reshape(1, g, *sp(6)),
           (np.arange(1.0, 1 + g * 3 ** nd) ** 2 % 7 - 3).reshape(g, 1, *sp(3)))
    yield ("more output channels than input channels", rng.standard_normal((1, g, *sp(5))),
           rng.standard_normal((3 * g, 1, *sp(2))))
    yield ("more input channels than output channels", rng.standard_normal((1, 3 * g, *sp(5))),
           rng.standard_normal((g, 3, *sp(2))))
    yield ("integers", rng.integers(-3, 4, (2, 2 * g, *sp(6))), rng.integers(-2, 3, (2 * g, 2, *sp(2))))
    yield ("integer input, fractional kernel", rng.integers(-3, 4, (1, 2 * g, *sp(5))),
           _fractions(rng, (g, 2, *sp(2))))


def _layer_random(rng: np.random.Generator, n_random: int, nd: int, groups: int) -> Iterator[tuple]:
    for i in range(n_random):
        n_batch = int(rng.integers(1, 3))
        c_in = groups * int(rng.integers(1, 4))
        c_out = groups * int(rng.integers(1, 4))
        k = tuple(int(v) for v in rng.integers(1, 4, size=nd))
        size = tuple(int(kk + rng.integers(0, 7)) for kk in k)
        x = rng.standard_normal((n_batch, c_in, *size))
        w = rng.standard_normal((c_out, c_in // groups, *k))
        yield f"random #{i + 1}: x{x.shape} w{w.shape}", x, w


def layer_cases(rng: np.random.Generator, n_random: int, nd: int = 1, groups: int = 1, bias: bool = False,
                **options) -> Iterator[Case]:
    for label, x, w in [*_layer_hand(rng, nd, groups, options), *_layer_random(rng, n_random, nd, groups)]:
        if bias:
            b = rng.integers(-3, 4, w.shape[0]) if x.dtype.kind == w.dtype.kind == "i" else \
                rng.standard_normal(w.shape[0])
            yield label, (x, w, b)
        else:
            yield label, (x, w)


def _layer_steps(x: np.ndarray, w: np.ndarray, groups: int, w_in: int = 1, w_out: int = 0
                 ) -> Iterator[tuple[np.ndarray, np.ndarray, Callable]]:
    """Smaller ``(x, w)`` of a layer, each with how to cut an array along the output channels.

    ``w_in``/``w_out`` are the weight's axes of input and output channels
    (``(1, 0)`` for a convolution, ``(0, 1)`` for a transposed one).
    """
    keep = lambda a, axis: a          # noqa: E731 - output channels unchanged
    if x.shape[0] > 1:
        yield x[:1], w, keep
    per_in = x.shape[1] // groups
    if per_in > 1:
        if w_in == 1:
            yield _fewer_per_group(x, 1, groups, per_in - 1), w[:, :per_in - 1], keep
        else:
            yield (_fewer_per_group(x, 1, groups, per_in - 1), _fewer_per_group(w, 0, groups, per_in - 1),
                   keep)
    per_out = w.shape[w_out] // groups if w_out == 0 else w.shape[w_out]
    if per_out > 1:
        if w_out == 0:
            def cut(a, axis, per=per_out - 1):
                return _fewer_per_group(a, axis, groups, per)
            yield x, _fewer_per_group(w, 0, groups, per_out - 1), cut
        else:
            def cut_t(a, axis, per=per_out - 1):
                return _fewer_per_group(a, axis, groups, per)
            yield x, w[:, :per_out - 1], cut_t
    for axis in range(2, x.ndim):
        n = x.shape[axis]
        if n > 2:
            yield _take(x, axis, slice(0, (n + 1) // 2)), w, keep
        if n > 1:
            yield _take(x, axis, slice(0, n - 1)), w, keep
    for axis in range(2, w.ndim):
        k = w.shape[axis]
        if k > 1:
            yield x, _take(w, axis, slice(0, k - 1)), keep
            yield x, _take(w, axis, slice(1, k)), keep


def layer_smaller(args: tuple, options: dict) -> Iterator[tuple]:
    x, w, *rest = args
    for x2, w2, cut in _layer_steps(x, w, options.get("groups", 1)):
        yield (x2, w2, *(cut(b, 0) for b in rest))
    yield from _simplified(args)


def layer_family(nd: int) -> Family:
    """``conv1d``/``conv2d``: ``(x, w)``, or ``(x, w, bias)`` with the option ``bias=True``."""
    return Family(("x", "w"), lambda rng, n, **kw: layer_cases(rng, n, nd=nd, **kw), layer_smaller)


# --------------------------------------------------------------------------
# gradients of a layer: torch.nn.grad's orders (x, weight_size, dy) and (input_size, w, dy)
# --------------------------------------------------------------------------

def _layer_of(nd: int) -> Callable:
    return conv.conv1d if nd == 1 else conv.conv2d


def _out_shape(nd: int, x_shape, w_shape, options: dict) -> tuple[int, ...]:
    geometry = {k: v for k, v in options.items() if k in (*GEOMETRY, "groups")}
    return _layer_of(nd)(np.zeros(x_shape), np.zeros(w_shape), **geometry).shape


def gradient_cases(rng: np.random.Generator, n_random: int, nd: int = 1, wrt: str = "weight",
                   groups: int = 1, **options) -> Iterator[Case]:
    """``wrt="weight"``: ``(x, weight_size, grad_output)``; ``wrt="input"``:
    ``(input_size, w, grad_output)``."""
    for label, x, w in [*_layer_hand(rng, nd, groups, options), *_layer_random(rng, n_random, nd, groups)]:
        try:
            out = _out_shape(nd, x.shape, w.shape, {**options, "groups": groups})
        except ValueError:
            continue                                   # not a valid layer for these options
        if label.startswith("integer input"):
            dy = _fractions(rng, out)                  # integers meet fractions: nothing may truncate
            if wrt == "input":
                x, w = x.astype(float), rng.integers(-3, 4, w.shape)
        elif x.dtype.kind == "i":
            dy = rng.integers(-3, 4, out)
        else:
            dy = rng.standard_normal(out)
        yield label, ((x, w.shape, dy) if wrt == "weight" else (x.shape, w, dy))


def gradient_smaller(args: tuple, options: dict, nd: int = 1, wrt: str = "weight") -> Iterator[tuple]:
    groups = options.get("groups", 1)
    if wrt == "weight":
        x, w_size, dy = args
        w = np.zeros(w_size)
    else:
        x_size, w, dy = args
        x = np.zeros(x_size)
    for x2, w2, cut in _layer_steps(x, w, groups):
        try:
            out = _out_shape(nd, x2.shape, w2.shape, options)
        except ValueError:
            continue
        d = cut(dy[: x2.shape[0]], 1)
        for axis in range(2, d.ndim):
            d = _fit(d, axis, out[axis])
        yield (x2, w2.shape, d) if wrt == "weight" else (x2.shape, w2, d)
    yield from _simplified(args)


def gradient_family(nd: int, wrt: str) -> Family:
    names = ("x", "weight_size", "grad_output") if wrt == "weight" else ("input_size", "w", "grad_output")
    return Family(names,
                  lambda rng, n, **kw: gradient_cases(rng, n, nd=nd, wrt=wrt, **kw),
                  lambda args, options: gradient_smaller(args, options, nd=nd, wrt=wrt),
                  linear=(0, 2) if wrt == "weight" else (1, 2))


# --------------------------------------------------------------------------
# transposed convolutions: x (N, C_in, *n), w (C_in, C_out / groups, *k)
# --------------------------------------------------------------------------

def transposed_cases(rng: np.random.Generator, n_random: int, nd: int = 1, groups: int = 1,
                     **options) -> Iterator[Case]:
    def sp(size: int) -> tuple[int, ...]:
        return (size,) * nd

    if groups == 1:
        plain = (options.get("padding", 0) == 0 and options.get("dilation", 1) == 1
                 and options.get("output_padding", 0) == 0)
        yield "one input cell" + (": the output is the kernel" if plain else ""), (
            np.ones((1, 1, *sp(1))), np.arange(1.0, 3.0 ** nd + 1).reshape(1, 1, *sp(3)))
        yield "kernel of size 1" + notes(1, options), (np.arange(1.0, 1 + 4 ** nd).reshape(1, 1, *sp(4)),
                                                       np.full((1, 1, *sp(1)), -2.0))
        yield "asymmetric kernel (the flip matters)", (
            np.arange(4.0 ** nd).reshape(1, 1, *sp(4)),
            np.arange(1.0, 1 + 3 ** nd).reshape(1, 1, *sp(3)) ** 2)
        yield "more output channels than input channels", (rng.standard_normal((1, 2, *sp(4))),
                                                           rng.standard_normal((2, 3, *sp(2))))
        yield "integers", (rng.integers(-3, 4, (2, 2, *sp(3))), rng.integers(-2, 3, (2, 1, *sp(2))))
        yield "integer input, fractional kernel", (rng.integers(-3, 4, (1, 2, *sp(3))),
                                                   _fractions(rng, (2, 2, *sp(2))))
    for i in range(n_random):
        n_batch = int(rng.integers(1, 3))
        c_in = groups * int(rng.integers(1, 4))
        c_out = int(rng.integers(1, 4))
        k = tuple(int(v) for v in rng.integers(1, 5, size=nd))
        size = tuple(int(v) for v in rng.integers(1, 7, size=nd))
        x = rng.standard_normal((n_batch, c_in, *size))
        w = rng.standard_normal((c_in, c_out, *k))
        yield f"random #{i + 1}: x{x.shape} w{w.shape}", (x, w)


def transposed_smaller(args: tuple, options: dict) -> Iterator[tuple]:
    x, w = args
    for x2, w2, _ in _layer_steps(x, w, options.get("groups", 1), w_in=0, w_out=1):
        yield x2, w2
    yield from _simplified(args)


TRANSPOSED = Family(("x", "w"), transposed_cases, transposed_smaller)


# --------------------------------------------------------------------------
# max pooling's backward: (grad_output, x)
# --------------------------------------------------------------------------

_POOL_OPTIONS = ("stride", "padding", "dilation", "ceil_mode")


def _pool_out(x_shape, kernel_size, options: dict) -> tuple[int, ...]:
    opts = {k: v for k, v in options.items() if k in _POOL_OPTIONS}
    return pooling.max_pool2d(np.zeros(x_shape), kernel_size, **opts).shape


def pool_cases(rng: np.random.Generator, n_random: int, kernel_size=None, **options) -> Iterator[Case]:
    """``(grad_output, x)`` for a 2-D max pooling with ``kernel_size`` and the other options."""
    if kernel_size is None:
        raise TypeError("the task 'max_pool2d_backward' needs the pooling's kernel_size, "
                        "e.g. convlab.check(fn, 'max_pool2d_backward', kernel_size=2)")
    ties = np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 1.0, 3.0],
                       [0.0, 3.0, 3.0, 1.0], [2.0, 1.0, 3.0, 3.0]]]])
    k = kernel_size if isinstance(kernel_size, int) else max(kernel_size)
    cases = [("ties: the first maximum of a window wins", ties, False),
             ("window as large as the input: one output cell", rng.standard_normal((1, 1, k, k)), False),
             ("several channels, integers", rng.permutation(2 * 3 * 36).reshape(2, 3, 6, 6) - 100, True)]
    for i in range(n_random):
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), *(int(v) for v in rng.integers(2, 9, 2)))
        cases.append((f"random #{i + 1}: x{shape}", rng.standard_normal(shape), False))
    for label, x, integer in cases:
        try:
            out = _pool_out(x.shape, kernel_size, options)
        except ValueError:
            continue                                   # window larger than this input
        if label.endswith(": one output cell") and tuple(out[2:]) != (1, 1):
            label = label.removesuffix(": one output cell")     # padding or stride make more
        dy = rng.integers(-3, 4, out) if integer else rng.standard_normal(out)
        yield label, (dy, x)


def pool_smaller(args: tuple, options: dict) -> Iterator[tuple]:
    dy, x = args
    candidates = []
    if x.shape[0] > 1:
        candidates.append(x[:1])
    if x.shape[1] > 1:
        candidates.append(x[:, :1])
    for axis in (2, 3):
        if x.shape[axis] > 1:
            candidates.append(_take(x, axis, slice(0, x.shape[axis] - 1)))
    for x2 in candidates:
        try:
            out = _pool_out(x2.shape, options.get("kernel_size"), options)
        except (ValueError, TypeError):
            continue
        d = dy[: x2.shape[0], : x2.shape[1]]
        for axis in (2, 3):
            d = _fit(d, axis, out[axis])
        yield d, x2
    yield from _simplified(args, indices=(0,))


POOL = Family(("grad_output", "x"), pool_cases, pool_smaller, linear=(0,))


# --------------------------------------------------------------------------
# output sizes: (n, k)
# --------------------------------------------------------------------------

def size_cases(rng: np.random.Generator, n_random: int, **_) -> Iterator[Case]:
    yield "kernel of size 1", (10, 1)
    yield "kernel as large as the input", (7, 7)
    yield "a single-sample input and kernel", (1, 1)
    # impossible layers (for the options of most combinations): the function must refuse them
    yield "kernel one longer than the input (impossible unpadded)", (4, 5)
    yield "kernel much longer than the input (impossible unpadded)", (2, 9)
    for i in range(n_random):
        k = int(rng.integers(1, 8))
        n = int(k + rng.integers(0, 30))
        yield f"random #{i + 1}: n={n}, k={k}", (n, k)


def size_smaller(args: tuple, options: dict) -> Iterator[tuple]:
    n, k = args
    for cand in ((n // 2, k), (n - 1, k), (n, k // 2), (n, k - 1), (n - 1, k - 1)):
        if min(cand) >= 1 and cand != (n, k):
            yield cand


SIZE = Family(("n", "k"), size_cases, size_smaller, linear=())


# --------------------------------------------------------------------------
# locally connected 2-D: w (H_out, W_out, C_out, C_in, kh, kw), bias (C_out, H_out, W_out)
# --------------------------------------------------------------------------

def _local_out(x_shape, k, options: dict) -> tuple[int, int]:
    geometry = {key: v for key, v in options.items() if key in GEOMETRY}
    return tuple(int(shapes.output_size(a, b, **geometry)) for a, b in zip(x_shape[2:], k))


def local_cases(rng: np.random.Generator, n_random: int, weight: bool = False, bias: bool = True,
                **options) -> Iterator[Case]:
    """``(x, w)`` or ``(x, w, bias)``, or ``(x, weight_size, grad_output)`` with ``weight=True``.

    ``w``'s first two axes follow the output size for the options, so every
    case is built for them; with ``bias`` (the default), every other case
    passes a bias.
    """
    def build(label, x, c_out, k, with_bias):
        try:
            out = _local_out(x.shape, k, options)
        except (ValueError, TypeError):
            return None                                # not a valid layer for these options
        integer = x.dtype.kind == "i"
        draw = (lambda shape: rng.integers(-3, 4, shape)) if integer else rng.standard_normal
        if label.startswith("integer input"):
            draw = lambda shape: _fractions(rng, shape)  # noqa: E731
        w = draw((*out, c_out, x.shape[1], *k))
        if weight:
            return label, (x, w.shape, draw((x.shape[0], c_out, *out)))
        return label, ((x, w, draw((c_out, *out))) if with_bias and bias else (x, w))

    cell = one_cell_kernel(options)
    hand = [("1x1 kernel" + notes(1, options), rng.standard_normal((1, 2, 3, 4)), 2, (1, 1), True),
            ("single channel", rng.standard_normal((1, 1, 5, 4)), 1, (2, 3), True),
            ("a kernel smaller than the stride" if _geometry(options)[0] > 2 else "asymmetric kernel",
             rng.standard_normal((2, 2, 6, 5)), 3, (2, 1), False),
            ("integers", rng.integers(-3, 4, (2, 2, 5, 5)), 2, (2, 2), True),
            ("integer input, fractional kernel", rng.integers(-3, 4, (1, 2, 4, 4)), 1, (2, 2), False)]
    if cell:
        hand.insert(0, ("kernel as large as the (padded) input: one output cell",
                        rng.standard_normal((1, 1, cell[0], cell[0])), 1, (cell[1], cell[1]), False))
    for label, x, c_out, k, with_bias in hand:
        case = build(label, x, c_out, k, with_bias)
        if case:
            yield case
    for i in range(n_random):
        n_batch, c_in, c_out = (int(v) for v in rng.integers(1, 4, 3))
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        size = tuple(int(kk + rng.integers(0, 5)) for kk in k)
        x = rng.standard_normal((n_batch, c_in, *size))
        case = build(f"random #{i + 1}: x{x.shape} k{k}", x, c_out, k, with_bias=i % 2 == 1)
        if case:
            yield case


def local_smaller(args: tuple, options: dict, weight: bool = False) -> Iterator[tuple]:
    if weight:
        x, w_size, dy = args
        w, b = np.zeros(w_size), None
    else:
        x, w, *rest = args
        b, dy = (rest[0] if rest else None), None
    steps = []
    if x.shape[0] > 1:
        steps.append((x[:1], w))
    if x.shape[1] > 1:
        steps.append((x[:, :-1], w[:, :, :, :-1]))
    if w.shape[2] > 1:
        steps.append((x, w[:, :, :-1]))
    for axis in (2, 3):
        if x.shape[axis] > 1:
            steps.append((_take(x, axis, slice(0, x.shape[axis] - 1)), w))
        if w.shape[axis + 2] > 1:
            steps.append((x, _take(w, axis + 2, slice(0, w.shape[axis + 2] - 1))))
    for x2, w2 in steps:
        try:
            out = _local_out(x2.shape, w2.shape[4:], options)
        except (ValueError, TypeError):
            continue
        w2 = _fit(_fit(w2, 0, out[0]), 1, out[1])
        c_out = w2.shape[2]
        if weight:
            d = dy[: x2.shape[0], :c_out]
            yield x2, w2.shape, _fit(_fit(d, 2, out[0]), 3, out[1])
        elif b is not None:
            yield x2, w2, _fit(_fit(b[:c_out], 1, out[0]), 2, out[1])
        else:
            yield x2, w2
    yield from _simplified(args)


LOCAL = Family(("x", "w", "bias"), local_cases, local_smaller, linear=(0, 1, 2))
LOCAL_WEIGHT = Family(("x", "weight_size", "grad_output"),
                      lambda rng, n, **kw: local_cases(rng, n, weight=True, **kw),
                      lambda args, options: local_smaller(args, options, weight=True), linear=(0, 2))
