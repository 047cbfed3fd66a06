"""Pooling and its gradients against torch, finite differences and convnd.

* forward values and indices against ``torch.nn.functional.max_pool1d/2d/3d``
  and ``avg_pool1d/2d/3d``, gradients against ``torch.autograd``, over random
  kernels, strides (stride < kernel included: overlapping windows, where a
  cell picked by several windows must collect every gradient), padding,
  dilation, ceil_mode, count_include_pad, divisor_override, batched and
  unbatched input, float32/float64 and integers, in 1, 2 and 3 dimensions;
* ties (integers 0..2, so most windows have several maxima) and NaN: the
  indices and gradients must be torch's, not merely the values;
* central finite differences in float64 for both gradients (tie-free input
  for max pooling), and average pooling as a strided box convolution;
* memory: under a tiny ``im2col_max_bytes`` (many small chunks) every result
  is bit-identical to the default's, and a large max pooling's traced peak
  stays under the cap plus its result;
* one test per bad input.

Max pooling selects, so it must match torch exactly; sums (average pooling,
overlapping gradients) to the tolerances of :mod:`tolerance`. Integer inputs
are compared with torch on their float64 casts where torch has no integer
kernel (average pooling, gradients).
"""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from support import record, require
from tolerance import tolerance

import convlab
from convlab._validate import pool_geometry

torch = require("torch", "oracle for pooling")
F = torch.nn.functional

DTYPES = ["float64", "float32", "int64", "int32"]


# --------------------------------------------------------------------------
# random problems
# --------------------------------------------------------------------------

@st.composite
def pool_cases(draw, kind: str):
    nd = draw(st.integers(1, 3))
    k_hi, n_extra = {1: (5, 9), 2: (4, 6), 3: (3, 3)}[nd]
    kernel = tuple(draw(st.integers(1, k_hi)) for _ in range(nd))
    # stride up to k + 1; stride < k overlaps windows, the case a classic bug misses
    stride = None if draw(st.booleans()) and draw(st.booleans()) else \
        tuple(draw(st.integers(1, k + 1)) for k in kernel)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(nd)) if kind == "max" else (1,) * nd
    ceil_mode = draw(st.booleans())
    spatial = []
    for k, p, d in zip(kernel, padding, dilation):
        least = max(1, d * (k - 1) + 1 - 2 * p)
        spatial.append(draw(st.integers(least, least + n_extra)))
    spatial = tuple(spatial)
    try:                                   # torch answers a window of padding only with garbage
        pool_geometry(spatial, kernel, stride, padding, dilation, ceil_mode)
    except ValueError:
        assume(False)
    case = dict(nd=nd, kernel=kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    if kind == "max":
        case["dilation"] = dilation
    else:
        case["count_include_pad"] = draw(st.booleans())
        case["divisor_override"] = draw(st.one_of(st.none(), st.integers(1, 7)))
    # the same value on every axis is sometimes given as a plain int
    for name in ("kernel", "stride", "padding", "dilation"):
        value = case.get(name)
        if value is not None and len(set(value)) == 1 and draw(st.booleans()):
            case[name] = value[0]
    batch = draw(st.one_of(st.none(), st.integers(1, 2)))          # None: unbatched
    chans = draw(st.integers(1, 3))
    case["shape"] = ((chans,) if batch is None else (batch, chans)) + spatial
    case["dtype"] = draw(st.sampled_from(DTYPES))
    case["ties"] = draw(st.booleans())
    case["seed"] = draw(st.integers(0, 2**32 - 1))
    return case


def make_input(case, rng):
    dtype = np.dtype(case["dtype"])
    if case["ties"]:
        return rng.integers(0, 3, size=case["shape"]).astype(dtype)        # many tied maxima
    if dtype.kind in "iu":
        return rng.integers(-50, 51, size=case["shape"]).astype(dtype)
    return rng.standard_normal(case["shape"]).astype(dtype)


def max_args(case):
    return (case["kernel"], case["stride"], case["padding"], case["dilation"], case["ceil_mode"])


def avg_args(case):
    return (case["kernel"], case["stride"], case["padding"], case["ceil_mode"],
            case["count_include_pad"], case["divisor_override"])


def float_dtype(dtype):
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def oracle(case):
    return "ties" if case["ties"] else "torch"


def kernel_size(case) -> int:
    k = case["kernel"]
    return math.prod((k,) * case["nd"] if isinstance(k, int) else k)


def torch_max(t, case, **kw):
    op = getattr(F, f"max_pool{case['nd']}d")
    return op(t, *max_args(case), **kw)


def torch_avg(t, case):
    nd = case["nd"]
    kernel, stride, padding, ceil_mode, count_include_pad, divisor = avg_args(case)
    if nd == 1 and divisor is not None:
        # torch's avg_pool1d has no divisor_override: the same pooling as 2-D, on rows of height 1
        def one(v):
            return (1, v if isinstance(v, int) else v[0])

        t2 = t.unsqueeze(-2)
        y = F.avg_pool2d(t2, one(kernel), None if stride is None else one(stride), (0, one(padding)[1]),
                         ceil_mode, count_include_pad, divisor)
        return y.squeeze(-2)
    if nd == 3:
        # torch's avg_pool3d alone wants the *unpadded* input at least the kernel's size
        # ("input image smaller than kernel size"); avg_pool2d and max_pool3d do not, nor convlab
        k = (kernel,) * 3 if isinstance(kernel, int) else kernel
        assume(all(n >= kk for n, kk in zip(t.shape[-3:], k)))
    op = getattr(F, f"avg_pool{nd}d")
    args = (kernel, stride, padding, ceil_mode, count_include_pad)
    return op(t, *args) if nd == 1 else op(t, *args, divisor)


def check_close(got, want, name, dtype, which, bound, fan_in):
    assert got.shape == want.shape
    err = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)), initial=0.0))
    record(name, dtype, which, err, bound)
    tol = tolerance("im2col", float_dtype(dtype), bound, fan_in, 1)
    assert err <= tol, (err, tol, bound)


# --------------------------------------------------------------------------
# max pooling
# --------------------------------------------------------------------------

@given(case=pool_cases("max"))
def test_max_pool_matches_torch(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    y, index = getattr(convlab, f"max_pool{nd}d")(x, *max_args(case), return_indices=True)
    want, want_index = torch_max(torch.from_numpy(x), case, return_indices=True)
    assert y.dtype == x.dtype and index.dtype == np.int64
    np.testing.assert_array_equal(y, want.numpy())                 # a selection: exact
    np.testing.assert_array_equal(index, want_index.numpy())       # and the same cell
    np.testing.assert_array_equal(getattr(convlab, f"max_pool{nd}d")(x, *max_args(case)), y)
    record(f"max{nd}d", x.dtype, oracle(case), 0.0, 1.0)


@given(case=pool_cases("max"))
def test_max_pool_gradient_matches_torch_autograd(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    dtype = float_dtype(x.dtype)
    t = torch.tensor(x.astype(dtype), requires_grad=True)          # torch has no integer gradients
    y = torch_max(t, case)
    g = rng.standard_normal(tuple(y.shape)).astype(dtype)
    y.backward(torch.from_numpy(g))
    got = getattr(convlab, f"max_pool{nd}d_backward")(g, x, *max_args(case))
    assert got.shape == x.shape and got.dtype == dtype
    k = kernel_size(case)
    # a cell collects the gradients of at most k windows (one per tap)
    check_close(got, t.grad.numpy(), f"max{nd}d_b", x.dtype, oracle(case), k * np.abs(g).max(), k)


@given(case=pool_cases("max"), holes=st.integers(1, 6))
def test_max_pool_nan_and_infinities_as_torch(case, holes):
    """A NaN is the maximum (the last NaN of a window takes the gradient); -inf is a value."""
    assume(np.dtype(case["dtype"]).kind == "f")
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    flat = x.reshape(-1)
    for value in (np.nan, -np.inf, np.inf):
        flat[rng.integers(0, flat.size, size=holes)] = value
    nd = case["nd"]
    y, index = getattr(convlab, f"max_pool{nd}d")(x, *max_args(case), return_indices=True)
    t = torch.tensor(x, requires_grad=True)
    want, want_index = torch_max(t, case, return_indices=True)
    np.testing.assert_array_equal(y, want.detach().numpy())
    np.testing.assert_array_equal(index, want_index.numpy())
    g = rng.standard_normal(tuple(want.shape)).astype(x.dtype)
    want.backward(torch.from_numpy(g))
    got = getattr(convlab, f"max_pool{nd}d_backward")(g, x, *max_args(case))
    k = kernel_size(case)
    check_close(got, t.grad.numpy(), f"max{nd}d_b", x.dtype, "nan", k * np.abs(g).max(), k)


def test_all_minus_inf_windows_take_their_first_input_cell():
    x = np.full((1, 1, 4), -np.inf)
    y, index = convlab.max_pool1d(x, 3, stride=1, padding=1, return_indices=True)
    want, want_index = F.max_pool1d(torch.from_numpy(x), 3, 1, 1, return_indices=True)
    np.testing.assert_array_equal(y, want.numpy())
    np.testing.assert_array_equal(index, want_index.numpy())
    np.testing.assert_array_equal(index[0, 0], [0, 0, 1, 2])


def test_ties_go_to_the_first_cell_and_overlaps_add_up():
    x = np.array([[[1.0, 1.0, 1.0],
                   [1.0, 1.0, 1.0],
                   [1.0, 1.0, 9.0]]])
    y, index = convlab.max_pool2d(x, 2, stride=1, return_indices=True)
    np.testing.assert_array_equal(index, [[[0, 1], [3, 8]]])
    g = np.array([[[1.0, 10.0], [100.0, 1000.0]]])
    got = convlab.max_pool2d_backward(g, x, 2, stride=1)
    np.testing.assert_array_equal(got, [[[1.0, 10.0, 0.0], [100.0, 0.0, 0.0], [0.0, 0.0, 1000.0]]])
    # one cell taken by all four overlapping windows gets all four gradients
    x[0, 1, 1] = 5.0
    got = convlab.max_pool2d_backward(g, x, 2, stride=1)
    assert got[0, 1, 1] == 111.0 and got[0, 2, 2] == 1000.0 and got.sum() == 1111.0


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_heavy_overlap_with_ties_as_torch(nd, dtype):
    """Stride 1, a dilated 3-wide window and values 0..2: every cell is in up to 3**nd
    windows and nearly every window has tied maxima."""
    x = np.random.default_rng(nd).integers(0, 3, size=(2, 3, *(9,) * nd)).astype(dtype)
    args = (3, 1, 1, 2, True)                     # kernel, stride, padding, dilation, ceil_mode
    y, index = getattr(convlab, f"max_pool{nd}d")(x, *args, return_indices=True)
    t = torch.tensor(x, requires_grad=True)
    want, want_index = getattr(F, f"max_pool{nd}d")(t, *args, return_indices=True)
    np.testing.assert_array_equal(y, want.detach().numpy())
    np.testing.assert_array_equal(index, want_index.numpy())
    g = np.random.default_rng(0).standard_normal(y.shape).astype(dtype)
    want.backward(torch.from_numpy(g))
    got = getattr(convlab, f"max_pool{nd}d_backward")(g, x, *args)
    assert np.count_nonzero(got) < got.size // 2               # the gradient went to few, first cells
    check_close(got, t.grad.numpy(), f"max{nd}d_b", dtype, "overlap", 27 * np.abs(g).max(), 27)


@given(case=pool_cases("max"), seed=st.integers(0, 2**32 - 1))
def test_max_pool_gradient_finite_differences(case, seed):
    """On tie-free float64 input (cells 0.1 apart), max pooling is linear near x."""
    rng = np.random.default_rng(seed)
    size = math.prod(case["shape"])
    x = (rng.permutation(size) * 0.1).reshape(case["shape"])
    nd = case["nd"]
    pool = getattr(convlab, f"max_pool{nd}d")
    y = pool(x, *max_args(case))
    g = rng.standard_normal(y.shape)
    v = rng.uniform(-1, 1, size=x.shape)
    h = 1e-3
    fd = (np.sum(g * pool(x + h * v, *max_args(case))) - np.sum(g * pool(x - h * v, *max_args(case)))) / (2 * h)
    grad = getattr(convlab, f"max_pool{nd}d_backward")(g, x, *max_args(case))
    err = abs(fd - np.sum(grad * v))
    bound = float(np.abs(g).sum())
    record(f"max{nd}d_b", "float64", "fd", err, bound)
    assert err <= 1e-9 * max(bound, 1.0)


# --------------------------------------------------------------------------
# average pooling
# --------------------------------------------------------------------------

@given(case=pool_cases("avg"))
def test_avg_pool_matches_torch(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    y = getattr(convlab, f"avg_pool{nd}d")(x, *avg_args(case))
    dtype = float_dtype(x.dtype)
    assert y.dtype == dtype
    want = torch_avg(torch.from_numpy(x.astype(dtype)), case).numpy()   # integers: on float64 casts
    k = kernel_size(case)
    check_close(y, want, f"avg{nd}d", x.dtype, oracle(case), k * float(np.abs(x).max()), k)


@given(case=pool_cases("avg"))
def test_avg_pool_gradient_matches_torch_autograd(case):
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    dtype = float_dtype(x.dtype)
    t = torch.tensor(x.astype(dtype), requires_grad=True)
    y = torch_avg(t, case)
    g = rng.standard_normal(tuple(y.shape)).astype(dtype)
    y.backward(torch.from_numpy(g))
    got = getattr(convlab, f"avg_pool{nd}d_backward")(g, x, *avg_args(case))
    assert got.shape == x.shape and got.dtype == dtype
    k = kernel_size(case)
    check_close(got, t.grad.numpy(), f"avg{nd}d_b", x.dtype, oracle(case), k * float(np.abs(g).max()), k)


@given(case=pool_cases("avg"))
def test_avg_pool_gradient_finite_differences(case):
    rng = np.random.default_rng(case["seed"])
    x = rng.standard_normal(case["shape"])
    nd = case["nd"]
    pool = getattr(convlab, f"avg_pool{nd}d")
    g = rng.standard_normal(pool(x, *avg_args(case)).shape)
    v = rng.standard_normal(x.shape)
    h = 1e-2                                  # linear: the difference quotient is exact but for rounding
    fd = (np.sum(g * pool(x + h * v, *avg_args(case))) - np.sum(g * pool(x - h * v, *avg_args(case)))) / (2 * h)
    grad = getattr(convlab, f"avg_pool{nd}d_backward")(g, x, *avg_args(case))
    err = abs(fd - np.sum(grad * v))
    bound = float(np.abs(g).sum() * (np.abs(x).max() + h * np.abs(v).max()) * kernel_size(case)) / h
    record(f"avg{nd}d_b", "float64", "fd", err, bound)
    assert err <= 64 * np.finfo(np.float64).eps * bound


@given(case=pool_cases("avg"))
def test_avg_pool_is_a_strided_box_convolution(case):
    """Without padding or ceil_mode's partial windows: convnd with a box, over its size."""
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    nd = case["nd"]
    kernel, stride = case["kernel"], case["stride"]
    kernel = (kernel,) * nd if isinstance(kernel, int) else kernel
    stride = kernel if stride is None else ((stride,) * nd if isinstance(stride, int) else stride)
    assume(all(n >= k for n, k in zip(x.shape[-nd:], kernel)))
    y = getattr(convlab, f"avg_pool{nd}d")(x, kernel, stride)
    xb = x if len(x.shape) == nd + 2 else x[np.newaxis]
    box = np.ones((xb.shape[1], 1, *kernel))
    want = convlab.convnd(xb, box, stride=stride, groups=xb.shape[1], method="loop") / math.prod(kernel)
    want = want if len(x.shape) == nd + 2 else want[0]
    k = math.prod(kernel)
    check_close(y, want, f"avg{nd}d", x.dtype, "convnd", k * float(np.abs(x).max()), k)


def test_ceil_mode_window_past_the_padding_is_clipped_as_in_torch():
    x = np.arange(1.0, 6.0).reshape(1, 1, 5)                  # 5 cells, k=2, s=2: a last window of one cell
    for include in (True, False):
        y = convlab.avg_pool1d(x, 2, ceil_mode=True, count_include_pad=include)
        want = F.avg_pool1d(torch.from_numpy(x), 2, ceil_mode=True, count_include_pad=include)
        np.testing.assert_allclose(y, want.numpy())
        np.testing.assert_array_equal(y[0, 0], [1.5, 3.5, 5.0])
    y = convlab.avg_pool1d(x, 3, 2, padding=1, ceil_mode=True)   # windows [-1,1], [1,3], [3,5]: 5 is padding
    np.testing.assert_allclose(y, F.avg_pool1d(torch.from_numpy(x), 3, 2, 1, True).numpy())


# --------------------------------------------------------------------------
# memory: chunks under im2col_max_bytes
# --------------------------------------------------------------------------

SMALL_CAPS = st.sampled_from([1, 100, 1000, 2**14])


def same_bits(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()            # NaN payloads and the signs of zeros too


@given(case=pool_cases("max"), cap=SMALL_CAPS, holes=st.integers(0, 3))
def test_max_pool_in_small_chunks_is_bit_identical(case, cap, holes):
    """Chunks of rows (a tiny cap) or of samples give the unchunked values, indices and gradients,
    ties, NaN, infinities and signed zeros included."""
    rng = np.random.default_rng(case["seed"])
    x = make_input(case, rng)
    if x.dtype.kind == "f":
        flat = x.reshape(-1)
        for value in (np.nan, -np.nan, -np.inf, np.inf, -0.0, 0.0):
            flat[rng.integers(0, flat.size, size=holes)] = value
    nd = case["nd"]
    pool, back = getattr(convlab, f"max_pool{nd}d"), getattr(convlab, f"max_pool{nd}d_backward")
    y, index = pool(x, *max_args(case), return_indices=True)
    g = rng.standard_normal(y.shape).astype(float_dtype(x.dtype))
    gx = back(g, x, *max_args(case))
    with convlab.options(im2col_max_bytes=cap):
        small_y, small_index = pool(x, *max_args(case), return_indices=True)
        small_values = pool(x, *max_args(case))
        small_gx = back(g, x, *max_args(case))
    same_bits(small_y, y)
    same_bits(small_values, y)
    same_bits(small_index, index)
    same_bits(small_gx, gx)


@given(case=pool_cases("avg"), cap=SMALL_CAPS)
def test_avg_pool_in_small_chunks_is_bit_identical(case, cap):
    """Integer-valued input, whose window sums are exact: im2col's GEMM may round other
    floats differently for a different chunk shape (within the im2col tolerance)."""
    rng = np.random.default_rng(case["seed"])
    x = rng.integers(-50, 51, size=case["shape"]).astype(case["dtype"])
    nd = case["nd"]
    pool, back = getattr(convlab, f"avg_pool{nd}d"), getattr(convlab, f"avg_pool{nd}d_backward")
    y = pool(x, *avg_args(case))
    g = rng.standard_normal(y.shape).astype(float_dtype(x.dtype))
    gx = back(g, x, *avg_args(case))
    with convlab.options(im2col_max_bytes=cap):
        same_bits(pool(x, *avg_args(case)), y)
        same_bits(back(g, x, *avg_args(case)), gx)


CAP = 2**20
# What the peak may hold beyond the cap and the result: the Python objects of the chunk loop
# (index tuples and slices, array headers, generator frames; the interpreter's free lists keep
# some of them), measured at 10-40 KiB over all chunks. Not a K-fold copy of anything: the
# unchunked pooling's windows alone would be 9 x 8 MiB here.
MARGIN = 128 * 2**10


@pytest.mark.parametrize("run", ["values", "indices", "backward"])
def test_large_max_pool_stays_under_the_cap(run):
    x = np.random.default_rng(0).standard_normal((4, 16, 128, 128))        # 8 MiB
    args = (3, 1, 1)                                  # 3x3, stride 1, padding 1: every cell in 9 windows
    g = np.ones_like(x)
    calls = {"values": lambda: convlab.max_pool2d(x, *args),
             "indices": lambda: convlab.max_pool2d(x, *args, return_indices=True),
             "backward": lambda: convlab.max_pool2d_backward(g, x, *args)}
    with convlab.options(im2col_max_bytes=CAP):
        calls[run]()                                  # caches and lazy imports filled before tracing
        tracemalloc.start()
        try:
            out = calls[run]()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    result = sum(a.nbytes for a in (out if isinstance(out, tuple) else (out,)))
    assert peak <= CAP + result + MARGIN, (peak - result) / 2**20


# --------------------------------------------------------------------------
# shapes and dtypes
# --------------------------------------------------------------------------

@pytest.mark.parametrize("nd", [1, 2, 3])
def test_unbatched_is_the_batched_sample(nd):
    x = np.random.default_rng(nd).standard_normal((2, 5, *(6,) * nd))
    for name in ("max", "avg"):
        pool = getattr(convlab, f"{name}_pool{nd}d")
        back = getattr(convlab, f"{name}_pool{nd}d_backward")
        batched = pool(x, 3, 2, 1)
        np.testing.assert_array_equal(pool(x[1], 3, 2, 1), batched[1])
        g = np.ones_like(batched)
        np.testing.assert_array_equal(back(g[1], x[1], 3, 2, 1), back(g, x, 3, 2, 1)[1])


def test_dtypes():
    x = np.arange(16, dtype=np.uint8).reshape(1, 4, 4)
    assert convlab.max_pool2d(x, 2).dtype == np.uint8
    assert convlab.max_pool2d(x.astype(np.int32), 2).dtype == np.int32
    assert convlab.avg_pool2d(x, 2).dtype == np.float64
    assert convlab.avg_pool2d(x.astype(np.float32), 2).dtype == np.float32
    assert convlab.avg_pool2d(x.astype(np.float16), 2).dtype == np.float16
    g32 = np.ones((1, 2, 2), np.float32)
    assert convlab.max_pool2d_backward(g32, x.astype(np.float32), 2).dtype == np.float32
    assert convlab.avg_pool2d_backward(g32, x.astype(np.float32), 2).dtype == np.float32
    assert convlab.max_pool2d_backward(np.ones((1, 2, 2), int), x, 2).dtype == np.float64
    np.testing.assert_array_equal(convlab.avg_pool2d(x, 2), [[[2.5, 4.5], [10.5, 12.5]]])  # torch truncates


def test_empty_batch():
    x = np.ones((0, 3, 4, 4))
    assert convlab.max_pool2d(x, 2).shape == (0, 3, 2, 2)
    assert convlab.avg_pool2d(x, 2).shape == (0, 3, 2, 2)
    assert convlab.max_pool2d_backward(np.ones((0, 3, 2, 2)), x, 2).shape == x.shape
    assert convlab.avg_pool2d_backward(np.ones((0, 3, 2, 2)), x, 2).shape == x.shape


# --------------------------------------------------------------------------
# bad input: one test each
# --------------------------------------------------------------------------

X = np.ones((1, 2, 6, 6))
FORWARD = [convlab.max_pool2d, convlab.avg_pool2d]


@pytest.fixture(params=FORWARD, ids=lambda f: f.__name__)
def pool(request):
    return request.param


def test_kernel_size_zero(pool):
    with pytest.raises(ValueError, match=r"kernel_size must be a positive int .*got 0"):
        pool(X, 0)


def test_kernel_size_float(pool):
    with pytest.raises(TypeError, match=r"kernel_size must be a positive int.*got 2\.0 of type float"):
        pool(X, 2.0)


def test_kernel_size_bool(pool):
    with pytest.raises(TypeError, match=r"kernel_size must be a positive int.*got True of type bool"):
        pool(X, True)


def test_kernel_size_wrong_length(pool):
    with pytest.raises(ValueError, match=r"kernel_size must be .*tuple of 2.*of length 3"):
        pool(X, (2, 2, 2))


def test_stride_zero(pool):
    with pytest.raises(ValueError, match=r"stride must be a positive int.*got 0"):
        pool(X, 2, 0)


def test_negative_padding(pool):
    with pytest.raises(ValueError, match=r"padding must be a non-negative int.*got -1"):
        pool(X, 2, 2, -1)


def test_padding_larger_than_half_the_kernel(pool):
    with pytest.raises(ValueError, match=r"padding must be at most half the kernel size .*\(1, 1\).*"
                                         r"got padding=\(2, 2\) for kernel_size=\(3, 3\)"):
        pool(X, 3, 1, 2)


def test_padding_limit_ignores_dilation():
    """torch checks padding <= kernel_size // 2 even where the dilated window is wider."""
    with pytest.raises(ValueError, match="at most half the kernel size"):
        convlab.max_pool2d(X, 2, 1, 2, dilation=3)
    with pytest.raises(RuntimeError, match="pad should be"):
        F.max_pool2d(torch.from_numpy(X), 2, 1, 2, dilation=3)


def test_dilation_is_not_a_parameter_of_avg_pool():
    with pytest.raises(TypeError, match="dilation"):
        convlab.avg_pool2d(X, 2, dilation=2)


def test_dilation_zero():
    with pytest.raises(ValueError, match=r"dilation must be a positive int.*got 0"):
        convlab.max_pool2d(X, 2, dilation=0)


def test_ceil_mode_not_a_bool(pool):
    with pytest.raises(TypeError, match=r"ceil_mode must be True or False; got 1 of type int"):
        pool(X, 2, ceil_mode=1)


def test_return_indices_not_a_bool():
    with pytest.raises(TypeError, match=r"return_indices must be True or False; got 'yes'"):
        convlab.max_pool2d(X, 2, return_indices="yes")


def test_count_include_pad_not_a_bool():
    with pytest.raises(TypeError, match=r"count_include_pad must be True or False; got None"):
        convlab.avg_pool2d(X, 2, count_include_pad=None)


def test_divisor_override_zero():
    with pytest.raises(ValueError, match=r"divisor_override must be a positive int; got 0"):
        convlab.avg_pool2d(X, 2, divisor_override=0)


def test_divisor_override_float():
    with pytest.raises(TypeError, match=r"divisor_override must be a positive int; got 2\.5"):
        convlab.avg_pool2d(X, 2, divisor_override=2.5)


def test_output_too_small(pool):
    with pytest.raises(ValueError, match=r"output too small: on spatial axis 0 the window spans 7"):
        pool(X, 7)


def test_window_of_padding_only():
    with pytest.raises(ValueError, match=r"the window of output 0 holds padding only"):
        convlab.max_pool1d(np.ones((1, 2)), 2, 1, 1, dilation=3)


def test_wrong_x_rank(pool):
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, \*spatial\) or \(C, \*spatial\) "
                                         r"with 4 or 3 dimensions for .*pool2d; got shape \(6, 6\)"):
        pool(np.ones((6, 6)), 2)


def test_non_numeric_x(pool):
    with pytest.raises(TypeError, match=r"x must have a numeric dtype"):
        pool(np.full((1, 4, 4), "a"), 2)


def test_complex_x(pool):
    with pytest.raises(TypeError, match=r"x must be a real numeric array .*got dtype complex128"):
        pool(np.ones((1, 4, 4), complex), 2)


def test_bool_x(pool):
    with pytest.raises(TypeError, match=r"x must have a numeric dtype .*got bool"):
        pool(np.ones((1, 4, 4), bool), 2)


def test_empty_spatial_axis(pool):
    with pytest.raises(ValueError, match=r"at least one channel and one cell per spatial axis"):
        pool(np.ones((1, 0, 4)), 1)


@pytest.mark.parametrize("backward", [convlab.max_pool2d_backward, convlab.avg_pool2d_backward],
                         ids=lambda f: f.__name__)
def test_grad_output_of_the_wrong_shape(backward):
    with pytest.raises(ValueError, match=r"grad_output must have the shape of .*pool2d's output, "
                                         r"\(1, 2, 3, 3\); got shape \(1, 2, 2, 2\)"):
        backward(np.ones((1, 2, 2, 2)), X, 2)


@pytest.mark.parametrize("backward", [convlab.max_pool2d_backward, convlab.avg_pool2d_backward],
                         ids=lambda f: f.__name__)
def test_grad_output_bool(backward):
    with pytest.raises(TypeError, match=r"grad_output must have a numeric dtype .*got bool"):
        backward(np.ones((1, 2, 3, 3), bool), X, 2)
