"""Issue 20 section 3: bad input of every kind, and sizes that cannot fit.

Each case its own test; every one of them failed on main before the fix
(a wrong number, a raw internal error, or the wrong argument named).
"""

from __future__ import annotations

import numpy as np
import pytest
from support import unless_refused

import convlab
from convlab import grad

# ---- 1. integer sums are checked for overflow before they are taken --------


def test_bias_grad_int64_overflow_refused():
    # the true sum is 25 * 2**62, which int64 cannot hold: main returned 2**62
    with pytest.raises(ValueError, match=r"integer grad_output could overflow the int64 result"):
        grad.bias_grad(np.full((1, 2, 5, 5), 2**62))


def test_bias_grad_uint64_overflow_refused():
    # main returned a negative number
    with pytest.raises(ValueError, match=r"grad_output could overflow .* >= 2\*\*63"):
        grad.bias_grad(np.full((1, 2, 5, 5), 2**63, dtype=np.uint64))


def test_bias_grad_large_integers_exact_when_they_fit():
    for dtype in (np.int64, np.uint64):
        dy = np.full((2, 3, 2, 2), 2**59, dtype=dtype)
        got = grad.bias_grad(dy)
        assert got.dtype == np.int64
        assert [int(v) for v in got] == [8 * 2**59] * 3           # exact, against Python ints


def test_avg_pool_integer_overflow_refused():
    with pytest.raises(ValueError, match=r"integer x could overflow"):
        convlab.avg_pool2d(np.full((1, 1, 4, 4), 2**61), 3, stride=1)


def test_avg_pool_uint64_refused_before_the_cast():
    with pytest.raises(ValueError, match=r"integer x could overflow"):
        convlab.avg_pool1d(np.full((1, 1, 8), 2**63, dtype=np.uint64), 1)


def test_adaptive_avg_pool_integer_overflow_refused():
    with pytest.raises(ValueError, match=r"integer x could overflow"):
        convlab.adaptive_avg_pool1d(np.full((1, 1, 8), 2**62), 2)


def test_locally_connected_integer_overflow_refused():
    with pytest.raises(ValueError, match=r"max\|x\| \* max\|w\|"):
        convlab.locally_connected1d(np.full((1, 1, 4), 2**40), np.full((3, 1, 1, 2), 2**30))


def test_locally_connected_gradients_integer_overflow_refused():
    with pytest.raises(ValueError, match=r"max\|grad_output\| \* max\|weight\|"):
        convlab.locally_connected_input((1, 1, 4), np.full((3, 2, 1, 2), 2**40), np.full((1, 2, 3), 2**30))
    with pytest.raises(ValueError, match=r"max\|input\| \* max\|grad_output\|"):
        convlab.locally_connected_weight(np.full((2, 1, 4), 2**40), (3, 1, 1, 2), np.full((2, 1, 3), 2**30))
    with pytest.raises(ValueError, match=r"integer grad_output could overflow"):
        convlab.locally_connected_bias(np.full((2, 1, 4), 2**62))


def test_tiled_conv_integer_bias_overflow_refused():
    with pytest.raises(ValueError, match=r"could overflow"):
        convlab.tiled_conv1d(np.full((1, 1, 4), 2**31), np.full((2, 1, 1, 2), 2**31), bias=np.full(1, 2**62))


# ---- 2. None anywhere in an object array ------------------------------------


def test_unfold_none_in_the_middle():
    with pytest.raises(TypeError, match=r"x is an object array.*NoneType at index \(0, 0, 1\)"):
        convlab.unfold([[[1.0, None, 3.0]]], (1,))


def test_bias_grad_none_in_the_middle():
    with pytest.raises(TypeError, match=r"grad_output is an object array.*NoneType"):
        grad.bias_grad([[1.0, None]])


@pytest.mark.parametrize("method", ["auto", *convlab.METHODS])
def test_correlate_none_in_the_middle(method):
    with pytest.raises(TypeError, match=r"x is an object array.*NoneType at index \(1,\)"):
        convlab.correlate([1.0, None, 3.0], [1.0], method=method)
    with pytest.raises(TypeError, match=r"w is an object array.*NoneType"):
        convlab.correlate([1.0, 2.0, 3.0], [1.0, None], method=method)


# ---- 6. the argument the user passed is the one named -----------------------


def test_avg_pool_overflow_names_x_not_w():
    with pytest.raises(ValueError) as info:
        convlab.avg_pool1d(np.full((1, 1, 8), 2**62), 2)
    message = str(info.value)
    assert "integer x could overflow" in message and "max|w|" not in message and " w " not in message


# ---- 7. wrong types are refused at the door, never reaching internals -------

X2 = np.ones((1, 3, 8, 8))
W2 = np.ones((2, 3, 3, 3))


@pytest.mark.parametrize("bad", [np.ones((2, 2)), np.array("im2col"), ["im2col"], None, 3])
def test_method_of_a_wrong_type(bad):
    with pytest.raises(TypeError, match=r"method must be one of \('auto', "):
        convlab.conv2d(X2, W2, method=bad)


@pytest.mark.parametrize("bad", [{}, [], ["zeros"], None, 0])
def test_padding_mode_of_a_wrong_type(bad):
    with pytest.raises(TypeError, match=r"padding_mode must be one of \('zeros', "):
        convlab.conv2d(X2, W2, padding_mode=bad)


def test_conv_output_shape_int_weight_shape():
    with pytest.raises(TypeError, match=r"w_shape must be a weight's shape .* got 3 of type int"):
        convlab.conv_output_shape((1, 3, 8, 8), 3)
    with pytest.raises(TypeError, match=r"x_shape must be a shape"):
        convlab.conv_output_shape(8, (2, 3, 3, 3))


def test_conv_output_shape_channel_mismatch():
    with pytest.raises(ValueError, match=r"channel mismatch: x_shape has C_in=3 .* got w_shape \(64, 5, 7, 7\)"):
        convlab.conv_output_shape((1, 3, 224, 224), (64, 5, 7, 7))
    with pytest.raises(ValueError, match=r"channel mismatch: x_shape has C_in=4"):
        convlab.conv_output_shape((1, 4, 9, 9), (3, 2, 3, 3), transposed=True)


def test_conv_output_shape_channels_that_fit_still_work():
    assert convlab.conv_output_shape((1, 4, 8, 8), (4, 1, 3, 3)) == (6, 6)           # depthwise
    assert convlab.conv_output_shape((1, 4, 8, 8), (6, 2, 3, 3)) == (6, 6)           # groups=2
    with pytest.raises(ValueError, match="channel mismatch"):                          # no groups fits
        convlab.conv_output_shape((1, 4, 8, 8), (3, 2, 3, 3))


def test_conv2d_input_zero_d_input_size():
    gy = np.ones((1, 2, 6, 6))
    with pytest.raises(TypeError, match=r"input_size must be a shape .* got array\(5\) of type ndarray"):
        grad.conv2d_input(np.array(5), W2, gy)


# ---- 3. strides of 2**60 and more: every method agrees with torch's shape ---

HUGE = [2**60, 2**63, 2**64, 10**400]


def _torch_shape(fn, *args, **kwargs):
    torch = pytest.importorskip("torch")
    return tuple(fn(*(torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args), **kwargs).shape)


@pytest.mark.parametrize("method", ["auto", *convlab.METHODS])
@pytest.mark.parametrize("stride", HUGE)
def test_conv1d_huge_stride_every_method(method, stride):
    with unless_refused(method):
        import torch.nn.functional as F
        x, w = np.arange(8.0).reshape(1, 1, 8), np.array([[[1.0, 2.0, 3.0]]])
        want = _torch_shape(F.conv1d, x, w, stride=2**60)        # torch's own int64 limit is below 2**63
        y = convlab.conv1d(x, w, stride=stride, method=method)
        assert y.shape == want == (1, 1, 1)
        assert y[0, 0, 0] == pytest.approx(0 * 1 + 1 * 2 + 2 * 3, rel=1e-14)   # the first window, the only one
                                                                              # (the fft rounds: 1e-14 relative)


@pytest.mark.parametrize("method", ["auto", *convlab.METHODS])
def test_conv2d_huge_stride_on_one_axis_every_method(method):
    with unless_refused(method):
        import torch.nn.functional as F
        x, w = np.random.default_rng(0).standard_normal((1, 2, 8, 8)), np.ones((3, 2, 3, 3))
        want = _torch_shape(F.conv2d, x, w, stride=(1, 2**60))
        y = convlab.conv2d(x, w, stride=(1, 2**61), method=method)
        assert y.shape == want == (1, 3, 6, 1)
        np.testing.assert_allclose(y, convlab.conv2d(x, w, stride=(1, 6), method="im2col"), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", ["auto", *convlab.METHODS])
def test_huge_dilation_of_a_one_tap_kernel(method):
    with unless_refused(method):
        x = np.arange(8.0).reshape(1, 1, 8)
        np.testing.assert_array_equal(convlab.conv1d(x, np.full((1, 1, 1), 2.0), dilation=2**63, method=method), 2 * x)


@pytest.mark.parametrize("method", ["auto", *convlab.METHODS])
def test_conv_transpose_huge_stride_on_one_cell(method):
    with unless_refused(method):
        y = convlab.conv_transpose1d(np.full((1, 1, 1), 2.0), np.array([[[1.0, 2.0, 3.0]]]), stride=2**64,
                                     method=method)
        np.testing.assert_allclose(y, [[[2.0, 4.0, 6.0]]], rtol=1e-14)        # (the fft rounds)


@pytest.mark.parametrize("stride", HUGE)
def test_avg_pool1d_huge_stride(stride):
    import torch.nn.functional as F
    x = np.arange(8.0).reshape(1, 1, 8)
    assert _torch_shape(F.avg_pool1d, x, 3, stride=2**20) == (1, 1, 1)     # (torch: an int32 here)
    np.testing.assert_array_equal(convlab.avg_pool1d(x, 3, stride=stride), [[[1.0]]])


@pytest.mark.parametrize("stride", HUGE)
def test_max_pool1d_huge_stride(stride):
    # main: OverflowError "Python int too large to convert to C long" from 2**63
    x = np.array([[[3.0, 1.0, 2.0, 7.0]]])
    values, index = convlab.max_pool1d(x, 3, stride=stride, return_indices=True)
    np.testing.assert_array_equal(values, [[[3.0]]])
    np.testing.assert_array_equal(index, [[[0]]])
    np.testing.assert_array_equal(convlab.max_pool1d(x, 3, stride=stride, ceil_mode=True), [[[3.0]]])


@pytest.mark.parametrize("stride", HUGE)
def test_unfold_and_fold_huge_stride(stride):
    x = np.arange(8.0).reshape(1, 1, 8)
    cols = convlab.unfold(x, (3,), stride=stride)
    np.testing.assert_array_equal(cols, [[[0.0], [1.0], [2.0]]])
    np.testing.assert_array_equal(convlab.fold(cols, (8,), (3,), stride=stride)[0, 0], [0, 1, 2, 0, 0, 0, 0, 0])


def test_avg_pool_divisor_override_too_large():
    # main: OverflowError "int too large to convert to float"
    with pytest.raises(ValueError, match=r"divisor_override must be a positive int below 2\*\*63 .* got 10000"):
        convlab.avg_pool1d(np.ones((1, 1, 8)), 3, divisor_override=10**400)
    with pytest.raises(ValueError, match=r"divisor_override must be a positive int below 2\*\*63"):
        convlab.avg_pool2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), 2, divisor_override=2**63)


# ---- 4. the size rule: refused before anything is allocated ------------------

ALL = ["auto", *convlab.METHODS]


def _peak_of_refusal(fn, error):
    """Run ``fn``, which must raise ``error``; the peak of memory numpy allocated meanwhile."""
    import tracemalloc
    tracemalloc.start()
    try:
        with pytest.raises(error) as info:
            fn()
        return tracemalloc.get_traced_memory()[1], str(info.value)
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method", ALL)
def test_conv2d_result_no_machine_could_hold(method):
    x, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))
    peak, message = _peak_of_refusal(lambda: convlab.conv2d(x, w, padding=10**12, method=method), ValueError)
    assert message.startswith("padding=((1000000000000, 1000000000000), (1000000000000, 1000000000000))")
    assert "(1, 1, 2000000000002, 2000000000002)" in message and "more than any machine can hold" in message
    assert peak < 2**20                       # main: "array is too big" after numpy's own checks


@pytest.mark.parametrize("method", ALL)
def test_conv2d_result_larger_than_memory(method):
    # a 10**11-element output: main allocated (745 GiB refused by numpy), or worked 4.65 s with fft
    x, w = np.ones((1, 1, 1000, 1000), np.float32), np.ones((100_000, 1, 1, 1), np.float32)
    peak, message = _peak_of_refusal(lambda: convlab.conv2d(x, w, method=method), MemoryError)
    assert "the result of shape (1, 100000, 1000, 1000) would take 373 GiB (400000000000 bytes)" in message
    assert "x of shape (1, 1, 1000, 1000) and w of shape (100000, 1, 1, 1)" in message
    assert "nothing was allocated" in message and peak < 2**20


@pytest.mark.parametrize("method", ALL)
def test_explain_method_says_the_same(method):
    x, w = np.ones((1, 1, 1000, 1000), np.float32), np.ones((100_000, 1, 1, 1), np.float32)
    with pytest.raises(MemoryError) as call:
        convlab.conv2d(x, w, method=method)
    with pytest.raises(MemoryError) as explained:          # main: "im2col 3.64 s"
        convlab.explain_method(x, w, method=method)
    assert str(explained.value).split(", more than")[0] == str(call.value).split(", more than")[0]


def test_memory_limit_setting_and_available_bytes():
    from convlab._validate.sizes import available_bytes
    assert available_bytes() > 0
    x, w = np.ones((1, 1, 300, 300)), np.ones((2000, 1, 1, 1))           # a result of 1.34 GiB
    with convlab.options(memory_limit_bytes=2**30):
        assert available_bytes() == 2**30
        with pytest.raises(MemoryError, match=r"shape \(1, 2000, 300, 300\) would take 1.34 GiB \(1440000000 "
                                              r"bytes\), more than the 1 GiB \(1073741824 bytes\)"):
            convlab.conv2d(x, w)
    with pytest.raises(TypeError, match="memory_limit_bytes must be a positive int"):
        convlab.set_options(memory_limit_bytes=1.5)


@pytest.mark.parametrize("method", ALL)
def test_conv_transpose_huge_stride_refused(method):
    x, w = np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))
    # main: an internal uint8 buffer of "262. TiB" (im2col) or numpy's MemoryError
    peak, message = _peak_of_refusal(lambda: convlab.conv_transpose2d(x, w, stride=10**6, method=method),
                                     MemoryError)
    assert "shape (1, 1, 3000003, 3000003)" in message and "stride=(1000000, 1000000)" in message
    assert peak < 2**20


def test_conv_transpose_no_machine_could_hold():
    with pytest.raises(ValueError, match=r"stride=\(10{20}, 10{20}\) .*more than any machine can hold"):
        convlab.conv_transpose2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), stride=10**20)


def test_fft_scratch_refused_before_transforming():
    # the result fits the limit; the fft's spectra (every row at the padded length) do not
    x, w = np.ones((4, 64, 4096)), np.ones((64, 64, 9))
    with convlab.options(memory_limit_bytes=96 * 2**20):
        peak, message = _peak_of_refusal(lambda: convlab.conv1d(x, w, method="fft"), MemoryError)
        # nothing allocated but the 1-byte-per-cell scan for NaN (the fft distrusts those)
        assert "of scratch for method='fft'" in message and peak <= x.size + 2**16
        # auto takes the method whose scratch fits, and says why
        plan = convlab.explain_method(x, w)
        assert plan.method == "im2col"


def test_correlate_fft_refused_at_once():
    x = np.ones(2**21)
    with convlab.options(memory_limit_bytes=64 * 2**20):
        peak, message = _peak_of_refusal(lambda: convlab.correlate(x, x, "full", method="fft"), MemoryError)
    assert "x of shape (1, 1, 2097152)" in message and peak <= x.size + 2**16     # the scan for NaN only


def test_unfold_too_large():
    with pytest.raises(ValueError, match=r"padding=\(\(10{18}, 10{18}\),\) \(with x of shape \(1, 1, 8\) and "
                                         r"kernel_size \(3,\)\) gives the result"):
        convlab.unfold(np.ones((1, 8)), (3,), padding=10**18)
    x = np.ones((1, 1000, 100, 100))             # main died allocating its second 6 GiB copy
    with convlab.options(memory_limit_bytes=2**30):
        peak, message = _peak_of_refusal(lambda: convlab.unfold(x, 9, padding=4), MemoryError)
    assert "shape (1, 1000, 9, 9, 100, 100) would take 6.03 GiB (6480000000 bytes)" in message and peak < 2**20


def test_fold_output_size_too_large():
    with pytest.raises(ValueError, match=r"output_size=\(10{20},\) gives the result a shape"):
        convlab.fold(np.ones((1, 1, 1)), (10**20,), (1,), stride=10**20)
    with pytest.raises(MemoryError, match=r"because of output_size=\(10{12},\)"):
        convlab.fold(np.ones((1, 1, 1)), (10**12,), (1,), stride=10**12)


def test_adaptive_pool_and_unpool_output_size_too_large():
    with pytest.raises(ValueError, match=r"output_size=10000000000 gives the result a shape \(1, 1, 10{10}, 10{10}\)"):
        convlab.adaptive_max_pool2d(np.ones((1, 1, 8, 8)), 10**10)
    with pytest.raises(MemoryError, match=r"because of output_size=1000000000000"):
        convlab.adaptive_avg_pool1d(np.ones((1, 1, 8)), 10**12)
    with pytest.raises(MemoryError, match=r"because of stride=\(10{12},\)"):
        convlab.max_unpool1d(np.ones((1, 1, 2)), np.zeros((1, 1, 2), int), 2, stride=10**12)


def test_local_input_size_too_large():
    with pytest.raises(MemoryError, match=r"because of input_size=\(10000, 10000, 10000\)"):
        convlab.locally_connected_input((10**4, 10**4, 10**4), np.ones((9999, 1, 10**4, 2)),
                                        np.ones((10**4, 1, 9999)))


# ---- 5. unfold builds its result once -----------------------------------------


@pytest.mark.parametrize("padding", [0, 1])
def test_unfold_peak_memory_is_its_result(padding):
    import tracemalloc
    x = np.random.default_rng(0).standard_normal((2, 16, 64, 64))
    tracemalloc.start()
    try:
        cols = convlab.unfold(x, 3, padding=padding)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert cols.shape == (2, 144, (64 - 2 + 2 * padding) ** 2) and cols.flags.c_contiguous
    assert peak <= 1.2 * cols.nbytes          # main: 2.0x (a reshape that copies, then a copy)
    torch = pytest.importorskip("torch")
    want = torch.nn.functional.unfold(torch.from_numpy(x), 3, padding=padding).numpy()
    np.testing.assert_array_equal(cols, want)


# ---- 8. what the robustness test (tests/test_robustness.py) found --------------


def test_correlation_lags_too_many():
    # main: numpy's "Maximum allowed size exceeded", naming nothing
    with pytest.raises(ValueError, match=r"in1_len=10{30} and in2_len=3 gives the result"):
        convlab.correlation_lags(10**30, 3)


def test_binomial_filter_order_past_float64():
    # main: math.comb over 2**31 + 1 taps (a hang), or 2.0 ** order overflowing
    with pytest.raises(ValueError, match=r"order must be a non-negative int at most 1023 .* got 2147483648"):
        convlab.binomial_filter(2**31)
    with pytest.raises(ValueError, match=r"order must be a non-negative int at most 1023"):
        convlab.blur_pool1d(np.ones((1, 1, 8)), order=10**400)
    assert convlab.binomial_filter(1023).sum() == pytest.approx(1.0)


def test_binomial_filter_ndim_too_large():
    # main: numpy's MemoryError "Unable to allocate 32.0 GiB" (ndim=16), or a tuple of 10**18 entries
    with pytest.raises(MemoryError, match=r"because of order=3 and ndim=16"):
        convlab.binomial_filter(3, ndim=16)
    with pytest.raises(ValueError, match=r"ndim must be a positive int at most 64"):
        convlab.binomial_filter(0, ndim=10**18)


def test_output_size_names_k():
    with pytest.raises(ValueError, match=r"a kernel of size k=10{20} with dilation=1 does not fit an input of "
                                         r"size n=8"):
        convlab.output_size(8, 10**20)


def test_max_unpool_default_size_names_padding():
    with pytest.raises(ValueError, match=r"output_size must be within .*padding 1000\)"):
        convlab.max_unpool1d(np.ones((1, 1, 4)), np.zeros((1, 1, 4), int), 2, padding=1000, output_size=(8,))


def test_gradient_shape_mismatch_names_the_geometry():
    # a stride that changes the output's shape: the message names it (main named only grad_output)
    with pytest.raises(ValueError, match=r"grad_output must have the shape .* stride=\(3,\)"):
        grad.conv1d_input((2, 2, 8), np.ones((3, 2, 3)), np.ones((2, 3, 6)), stride=3)
    with pytest.raises(ValueError, match=r"grad_output must have the shape of avg_pool1d's output, \(2, 2, 2\); "
                                         r"got shape \(2, 2, 4\) \(for x of shape \(2, 2, 8\), kernel_size=\(2,\), "
                                         r"stride=\(5,\)"):
        convlab.avg_pool1d_backward(np.ones((2, 2, 4)), np.ones((2, 2, 8)), 2, stride=5)
    with pytest.raises(ValueError, match=r"grad_output must have the shape of the layer's output .* stride=\(4,\)"):
        convlab.tiled_conv_weight(np.ones((1, 2, 6)), (2, 3, 2, 3), np.ones((1, 3, 4)), stride=4)


def test_kernel_too_large_names_the_arrays():
    with pytest.raises(ValueError, match=r"kernel too large: .*: weight does not fit input_size"):
        grad.conv1d_input((2, 2, 1), np.ones((3, 2, 3)), np.ones((2, 3, 1)))
    with pytest.raises(ValueError, match=r"kernel too large: .*: kernel_size does not fit x"):
        convlab.unfold(np.ones((1, 2, 2)), (3,))
    with pytest.raises(ValueError, match=r"needs an input with at least one cell .* x is empty there"):
        convlab.conv2d(np.ones((1, 2, 6, 0)), np.ones((2, 2, 1, 1)), padding=1, padding_mode="reflect")


def test_integer_gradient_overflow_names_the_gradient_arguments():
    # main named x and w, which the caller of a gradient never passed
    big = np.full((1, 1, 4), 2**40)
    with pytest.raises(ValueError, match=r"max\|input\| \* max\|grad_output\|"):
        grad.conv1d_weight(big, (1, 1, 2), np.full((1, 1, 3), 2**30))
    with pytest.raises(ValueError, match=r"max\|grad_output\| \* max\|weight\|"):
        grad.conv1d_input((1, 1, 4), np.full((1, 1, 2), 2**40), np.full((1, 1, 3), 2**30))


@pytest.mark.parametrize("method", ["auto", "im2col", "fft"])
def test_sizes_past_any_float_refused_before_the_cost_model(method):
    # main: OverflowError "int too large to convert to float" from the estimates, or next_fast_len
    # looping on a 400-digit length
    x, w = np.ones((1, 2, 5)), np.ones((2, 3, 3))
    with pytest.raises(ValueError, match="more than any machine can hold"):
        convlab.conv_transpose1d(x, w, stride=2, padding=10**400, output_padding=1, dilation=10**400,
                                 method=method)
    with pytest.raises(ValueError, match=r"dilation=\(18446744073709551616,\).*more than any machine"):
        convlab.conv1d(np.ones((2, 2, 8)), np.ones((3, 2, 3)), padding="same", dilation=2**64, method=method)
    with pytest.raises(ValueError, match="more than any machine can hold"):
        convlab.p4_lift(np.ones((1, 2, 6, 6)), np.ones((3, 2, 3, 3)), padding=10**400, stride=2**63)


def test_format_bytes_past_any_float():
    from convlab._validate.sizes import format_bytes
    assert format_bytes(10**400) == "about 10**400 bytes"
    with pytest.raises(ValueError, match=r"output_size=10{76}\.\.\. gives"):
        convlab.adaptive_max_pool1d(np.ones((1, 1, 8)), 10**400, return_indices=True)


def test_pooling_window_of_too_many_cells():
    # main: OverflowError from numpy (kernel 2**63), or a scan of 2**40 taps that never ends
    with pytest.raises(ValueError, match=r"kernel_size must give windows of at most 1048576 cells"):
        convlab.avg_pool2d(np.ones((1, 1, 4, 4)), 2**63, padding=2**62)
    with pytest.raises(ValueError, match=r"kernel_size must give windows of at most 1048576 cells"):
        convlab.max_pool1d(np.ones((1, 1, 8)), 2**40, padding=2**39)
    assert convlab.max_pool2d(np.ones((1, 1, 64, 64)), 64).shape == (1, 1, 1, 1)     # a global pooling is fine


def test_the_size_rule_asks_each_method_for_its_scratch():
    """A method's record says its scratch (``workspace``); the size rule reads it, before the method runs,
    and auto moves past a method whose scratch does not fit."""
    import dataclasses
    from unittest import mock

    from convlab import registry
    from convlab.methods import im2col

    ran = []

    def compute(x, w, geometry, plan=None):
        ran.append("greedy")
        return im2col.compute(x, w, geometry, plan)

    greedy = registry.Method("greedy", compute, None, lambda shapes, rates: 1e-12, auto=True,
                             workspace=lambda problem: 2**40)
    x, w = np.ones((1, 1, 64)), np.ones((1, 1, 3))
    from convlab import calibration, resolve
    with mock.patch.object(registry, "REGISTRY", {**registry.REGISTRY, "greedy": greedy}), \
            mock.patch.object(calibration, "DEFAULT", dataclasses.replace(
                calibration.DEFAULT, call={**calibration.DEFAULT.call, "greedy": 1e-9})), \
            convlab.options(memory_limit_bytes=2**30):
        resolve._decided.clear()
        with pytest.raises(MemoryError, match=r"and 1 TiB \(1099511627776 bytes\) of scratch for method='greedy'"):
            convlab.conv1d(x, w, method="greedy")
        plan = convlab.explain_method(x, w)              # the cheapest, but its scratch does not fit
        assert plan.method != "greedy" and "greedy would need 1 TiB of scratch" in plan.reason
        convlab.conv1d(x, w)
    resolve._decided.clear()
    assert ran == []


def test_convolve_axes_out_of_range_names_x_and_w():
    # the rank comes from x and w: a wrong-rank x is named (main named only axes)
    with pytest.raises(ValueError, match=r"axes must be ints in -1\.\.0 .* \(x and w have 1 dimensions\)"):
        convlab.convolve(np.ones(8), np.ones(3), axes=1)
