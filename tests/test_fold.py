"""convlab.fold: the adjoint of convlab.unfold (col2im).

* 2-D against ``torch.nn.functional.fold`` over random geometries (batched and
  unbatched, overlapping patches, padding, dilation, stride);
* 1-, 2- and 3-D against a plain scatter-add written here with loops over
  positions and taps (the window positions counted by a loop too, not by the
  output-size formula), exactly on integers;
* the adjoint identity ``<unfold(x), c> == <x, fold(c)>`` exactly on integers,
  for every padding mode and ``(before, after)`` padding;
* the inverse where patches tile the input; dtypes; bad input;
* the reference check catches a col2im that assigns instead of adding.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import record, require
from tolerance import tolerance

import convlab

PADDING_MODES = ("zeros", "reflect", "replicate", "circular", "symmetric")


def positions(n: int, k: int, s: int, d: int, lo: int, hi: int) -> int:
    """How many windows fit, counted one by one (not by the output-size formula)."""
    count = 0
    while count * s + d * (k - 1) <= n + lo + hi - 1:
        count += 1
    return count


def reference_fold(c, output_size, kernel, dilation, pairs, stride):
    """``y[n, ch, i*s + j*d - lo] += c[n, (ch, j), i]`` by loops over every position and tap."""
    c = np.asarray(c)
    n_batch, depth, _ = c.shape
    taps = math.prod(kernel)
    outs = [positions(n, k, s, d, lo, hi) for n, k, s, d, (lo, hi)
            in zip(output_size, kernel, stride, dilation, pairs)]
    dtype = np.int64 if c.dtype.kind in "iu" else c.dtype
    y = np.zeros((n_batch, depth // taps, *output_size), dtype=dtype)
    for b, ch in itertools.product(range(n_batch), range(depth // taps)):
        for t, j in enumerate(itertools.product(*map(range, kernel))):
            for p, i in enumerate(itertools.product(*map(range, outs))):
                cell = [ii * s + jj * d - lo for ii, jj, s, d, (lo, _) in zip(i, j, stride, dilation, pairs)]
                if all(0 <= m < n for m, n in zip(cell, output_size)):
                    y[(b, ch, *cell)] += c[b, ch * taps + t, p]
    return y


@st.composite
def fold_cases(draw, nd=None, pairs=False):
    nd = draw(st.integers(1, 3)) if nd is None else nd
    k_hi = {1: 4, 2: 3, 3: 2}[nd]
    kernel = tuple(draw(st.integers(1, k_hi)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    pads = []
    for _ in range(nd):
        lo = draw(st.integers(0, 2))
        pads.append((lo, draw(st.integers(0, 2)) if pairs else lo))
    size = []
    for k, d, (lo, hi) in zip(kernel, dilation, pads):
        least = max(1, d * (k - 1) + 1 - lo - hi)
        size.append(draw(st.integers(least, least + {1: 8, 2: 5, 3: 3}[nd])))
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))              # None: unbatched
    chans = draw(st.integers(1, 3))
    return dict(nd=nd, kernel=kernel, dilation=dilation, stride=stride, pairs=tuple(pads),
                output_size=tuple(size), batch=batch, chans=chans, seed=draw(st.integers(0, 2**32 - 1)))


def columns_shape(case):
    outs = [positions(n, k, s, d, lo, hi) for n, k, s, d, (lo, hi)
            in zip(case["output_size"], case["kernel"], case["stride"], case["dilation"], case["pairs"])]
    shape = (case["chans"] * math.prod(case["kernel"]), math.prod(outs))
    return shape if case["batch"] is None else (case["batch"], *shape)


def check_against_reference(fold, case):
    """``fold`` (a function of convlab.fold's signature) against the loops, exactly, on integers."""
    c = np.random.default_rng(case["seed"]).integers(-9, 10, size=columns_shape(case))
    got = fold(c, case["output_size"], case["kernel"], case["dilation"], case["pairs"], case["stride"])
    batched = c if case["batch"] is not None else c[np.newaxis]
    want = reference_fold(batched, case["output_size"], case["kernel"], case["dilation"], case["pairs"],
                          case["stride"])
    want = want if case["batch"] is not None else want[0]
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


@given(case=fold_cases())
def test_fold_matches_plain_scatter_add(case):
    check_against_reference(convlab.fold, case)


@given(case=fold_cases(pairs=True))
def test_fold_with_before_after_padding_matches_plain_scatter_add(case):
    check_against_reference(convlab.fold, case)


def assigning_fold(c, output_size, kernel, dilation, pairs, stride):
    """A classic col2im bug: each tap *assigns* its entries, so overlapping patches overwrite."""
    c = np.asarray(c)
    batched = c if c.ndim == 3 else c[np.newaxis]
    n_batch, depth, _ = batched.shape
    taps = math.prod(kernel)
    outs = [positions(n, k, s, d, lo, hi) for n, k, s, d, (lo, hi)
            in zip(output_size, kernel, stride, dilation, pairs)]
    y = np.zeros((n_batch, depth // taps, *output_size), dtype=np.int64)
    cols = batched.reshape(n_batch, depth // taps, taps, *outs)
    for t, j in enumerate(itertools.product(*map(range, kernel))):
        for i in itertools.product(*map(range, outs)):
            cell = [ii * s + jj * d - lo for ii, jj, s, d, (lo, _) in zip(i, j, stride, dilation, pairs)]
            if all(0 <= m < n for m, n in zip(cell, output_size)):
                y[(slice(None), slice(None), *cell)] = cols[(slice(None), slice(None), t, *i)]
    return y if c.ndim == 3 else y[0]


def test_the_reference_check_catches_assignment_instead_of_addition():
    """Overlapping patches (stride 1 < kernel 2): the assigning col2im loses all but one entry per cell."""
    case = dict(nd=2, kernel=(2, 2), dilation=(1, 1), stride=(1, 1), pairs=((0, 0), (0, 0)),
                output_size=(4, 3), batch=2, chans=2, seed=5)
    check_against_reference(convlab.fold, case)
    with pytest.raises(AssertionError):
        check_against_reference(assigning_fold, case)
    with pytest.raises(AssertionError):
        check_adjoint(assigning_fold, case, "zeros")


@given(case=fold_cases(nd=2))
def test_fold_matches_torch(case):
    torch = require("torch", "torch.nn.functional.fold is the oracle")
    case["pairs"] = tuple((lo, lo) for lo, _ in case["pairs"])         # torch pads symmetrically
    c = np.random.default_rng(case["seed"]).standard_normal(columns_shape(case))
    padding = tuple(lo for lo, _ in case["pairs"])
    args = (case["output_size"], case["kernel"], case["dilation"], padding, case["stride"])
    want = torch.nn.functional.fold(torch.from_numpy(c), *args).numpy()
    got = convlab.fold(c, *args)
    assert got.shape == want.shape and got.dtype == np.float64
    taps = math.prod(case["kernel"])                 # a cell sums at most one entry per tap
    err = float(np.max(np.abs(got - want), initial=0.0))
    bound = taps * float(np.abs(c).max())
    record("fold", np.float64, "torch", err, bound)
    assert err <= tolerance("im2col", np.float64, bound, taps, 1)


def check_adjoint(fold, case, padding_mode):
    """<unfold(x), c> == <x, fold(c)> exactly, on integers."""
    rng = np.random.default_rng(case["seed"])
    shape = (case["batch"] or 1, case["chans"], *case["output_size"])
    x = rng.integers(-9, 10, size=shape)
    kwargs = dict(stride=case["stride"], padding=case["pairs"], dilation=case["dilation"])
    if padding_mode != "zeros":
        kwargs["padding_mode"] = padding_mode
    cols = convlab.unfold(x, case["kernel"], **kwargs)
    c = rng.integers(-9, 10, size=cols.shape)
    folded = fold(c, case["output_size"], case["kernel"], case["dilation"], case["pairs"], case["stride"],
                  **({} if padding_mode == "zeros" else {"padding_mode": padding_mode}))
    assert folded.shape == x.shape
    assert int(np.sum(cols * c)) == int(np.sum(x * folded))


@given(case=fold_cases(pairs=True), padding_mode=st.sampled_from(PADDING_MODES))
def test_fold_is_the_adjoint_of_unfold(case, padding_mode):
    if padding_mode == "reflect":                # reflect pads at most n - 1
        assume(all(max(lo, hi) <= n - 1 for n, (lo, hi) in zip(case["output_size"], case["pairs"])))
    check_adjoint(convlab.fold, case, padding_mode)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_fold_inverts_unfold_where_patches_tile_the_input(nd):
    kernel = (3, 2, 2)[:nd]
    size = tuple(2 * k for k in kernel)
    x = np.random.default_rng(nd).standard_normal((2, 3, *size))
    cols = convlab.unfold(x, kernel, stride=kernel)
    np.testing.assert_array_equal(convlab.fold(cols, size, kernel, stride=kernel), x)


def test_fold_dtypes_and_unbatched_input():
    cols = convlab.unfold(np.arange(16).reshape(1, 4, 4), 2)             # unbatched, int64
    assert convlab.fold(cols.astype(np.int8), 4, 2).dtype == np.int64    # exact, never int8 wraparound
    for dtype in (np.float16, np.float32, np.float64, np.complex64):
        y = convlab.fold(cols.astype(dtype), 4, 2)
        assert y.dtype == dtype and y.shape == (1, 4, 4)
        np.testing.assert_array_equal(y.real, convlab.fold(cols, 4, 2))  # small integers: exact in any dtype
    empty = convlab.fold(np.ones((0, 4, 9)), (4, 4), 2)                   # an empty batch
    assert empty.shape == (0, 1, 4, 4)


def test_fold_of_symbols():
    sympy = pytest.importorskip("sympy")
    a, b = sympy.symbols("a b")
    cols = np.array([[a, b], [b, a]], dtype=object)                  # k=2, two overlapping patches on 3 cells
    y = convlab.fold(cols, (3,), (2,))
    assert y.dtype == object and list(y[0]) == [a, 2 * b, a]


def test_fold_refuses_an_int64_overflow():
    cols = np.full((1, 4, 1), 2**62, dtype=np.int64)
    assert convlab.fold(cols[:, :1], (1, 1), 1)[0, 0, 0, 0] == 2**62
    with pytest.raises(ValueError, match=r"could overflow the int64 result: .* 2\*\*63; cast x to float64"):
        convlab.fold(cols, (2, 2), 2)


@pytest.mark.parametrize("x, args, kwargs, error, match", [
    (np.ones((1, 4, 9)), ((4, 4), 2, 1, 0, 1, 1), {}, TypeError, r"takes from 3 to 6 positional"),
    (np.ones((1, 4, 9)), ((4, 4), (2, 2, 2)), {}, ValueError, r"kernel_size must be a tuple of 2 positive ints; got \(2, 2, 2\)"),
    (np.ones((1, 4, 9)), ((4, 0), 2), {}, ValueError, r"output_size must be a positive int or a non-empty tuple of positive ints; got \(4, 0\)"),
    (np.ones((1, 4, 9)), ((4, 4), 2.0), {}, TypeError, r"kernel_size must be .*got 2\.0 of type float"),
    (np.ones((1, 4, 9)), ((4, 4), 2), {"stride": 0}, ValueError, r"stride must be a positive int"),
    (np.ones((1, 4, 9)), ((4, 4), 2), {"padding": -1}, ValueError, r"padding must be"),
    (np.ones((1, 4, 9)), ((4, 4), 2), {"padding_mode": "mirror"}, ValueError, r"padding_mode must be one of"),
    (np.ones((1, 4, 10)), ((4, 4), 2), {}, ValueError,
     r"x's last axis must have one column per patch: output_size=\(4, 4\), kernel_size=\(2, 2\).* give 3 \* 3 = 9 patches; got 10"),
    (np.ones((1, 5, 9)), ((4, 4), 2), {}, ValueError,
     r"x's axis 1 must have C \* prod\(kernel_size\) entries, a positive multiple of prod\(kernel_size\) = 4 .*got 5"),
    (np.ones((1, 0, 9)), ((4, 4), 2), {}, ValueError, r"a positive multiple .*got 0"),
    (np.ones(9), ((4, 4), 2), {}, ValueError, r"x must have shape \(N, C \* prod\(kernel_size\), L\) .*got shape \(9,\)"),
    (np.ones((1, 9, 1)), ((2, 2), 3), {}, ValueError, r"kernel too large"),
    (np.ones((1, 4, 9), dtype=bool), ((4, 4), 2), {}, TypeError, r"x must have a numeric dtype .*got bool"),
    ("abc", ((4, 4), 2), {}, TypeError, r"x must be a numeric array; got a str"),
])
def test_fold_bad_input(x, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        convlab.fold(x, *args, **kwargs)
