"""Torch tensors passed directly, and masked arrays refused (issue 18).

Every array argument enters through ``convlab._validate.as_array`` or
``real_array``, which pass it through ``host_array`` first: a CPU tensor
without grad is read through ``Tensor.numpy()`` (its memory shared, no
copy) and the result is a numpy array; every other tensor, and every
``numpy.ma.MaskedArray``, is refused with a ``TypeError`` naming the
argument and what to call first. The results from tensors are compared with
the same call on numpy arrays (the same computation on the same numbers:
equal exactly) and with torch's own function (float64 direct sums agree to
``4 * fan_in * eps * bound``, see :mod:`tolerance`).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from support import error_bound, require

import convlab
from convlab._validate import as_array, real_array

torch = require("torch", "torch tensors are what these tests pass")
F = torch.nn.functional
EPS = float(np.finfo(np.float64).eps)


def _tensors(seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 4, 7, 7, dtype=torch.float64, generator=g)
    w = torch.randn(6, 2, 3, 3, dtype=torch.float64, generator=g)
    b = torch.randn(6, dtype=torch.float64, generator=g)
    return x, w, b


# ------------------------------------------------------------------ zero copy, numpy results

@pytest.mark.parametrize("make", [
    lambda: torch.arange(12.0).reshape(3, 4),
    lambda: torch.arange(12.0).reshape(3, 4).t(),               # a strided view
    lambda: torch.arange(12, dtype=torch.int32)[::2],
    lambda: torch.ones(2, 3, dtype=torch.complex64),
], ids=["float32", "transposed-view", "int32-step", "complex64"])
@pytest.mark.parametrize("reader", [as_array, real_array])
def test_a_cpu_tensor_is_read_without_a_copy(make, reader):
    t = make()
    if reader is real_array and t.dtype.is_complex:
        pytest.skip("real_array takes real arrays only")
    arr = reader("x", t)
    assert type(arr) is np.ndarray
    assert np.shares_memory(arr, t.numpy())
    before = arr.copy()
    t.add_(1)                                       # a write to the tensor shows in the array
    np.testing.assert_array_equal(arr, before + 1)


def test_the_zero_copy_check_catches_a_copy():
    """The assertion above can fail: a reader that copied the tensor would not share memory."""
    t = torch.arange(6.0)
    assert not np.shares_memory(np.array(t.numpy(), copy=True), t.numpy())


def test_layer_calls_on_tensors_give_numpy_arrays_equal_to_torch():
    x, w, b = _tensors()
    got = convlab.conv2d(x, w, b, 2, 1, 1, 2)
    assert type(got) is np.ndarray and got.dtype == np.float64
    np.testing.assert_array_equal(got, convlab.conv2d(x.numpy(), w.numpy(), b.numpy(), 2, 1, 1, 2))
    want = F.conv2d(x, w, b, 2, 1, 1, 2).numpy()
    assert np.max(np.abs(got - want)) <= 4 * 18 * EPS * error_bound(x.numpy(), w.numpy())


def test_every_kind_of_entry_point_takes_tensors():
    x, w, b = _tensors(1)
    xn, wn, bn = x.numpy(), w.numpy(), b.numpy()
    dy = torch.randn(2, 6, 5, 5, dtype=torch.float64)
    cols = torch.randn(2, 4 * 9, 25, dtype=torch.float64)
    pairs = [
        (lambda a, k: convlab.correlate(a[0, 0], k[0, 0], "same"), (x, w), (xn, wn)),
        (lambda a, k: convlab.convolve(a[0, 0], k[0, 0]), (x, w), (xn, wn)),
        (lambda a, k: convlab.conv_transpose2d(a, k, None, 2), (dy, w), (dy.numpy(), wn)),
        (lambda a: convlab.max_pool2d(a, 2), (x,), (xn,)),
        (lambda a: convlab.avg_pool2d(a, 3, 2), (x,), (xn,)),
        (lambda a: convlab.adaptive_avg_pool2d(a, 3), (x,), (xn,)),
        (lambda a: convlab.unfold(a, 3), (x,), (xn,)),
        (lambda a: convlab.fold(a, (7, 7), 3), (cols,), (cols.numpy(),)),
        (lambda k, g: convlab.grad.conv2d_input((2, 4, 7, 7), k, g, groups=2), (w, dy), (wn, dy.numpy())),
        (lambda a, g: convlab.grad.conv2d_weight(a, (6, 2, 3, 3), g, groups=2), (x, dy), (xn, dy.numpy())),
        (lambda g: convlab.grad.bias_grad(g), (dy,), (dy.numpy(),)),
        (lambda g, a: convlab.max_pool2d_backward(g, a, 2), (x[:, :, :6:2, :6:2].contiguous(), x),
         (xn[:, :, :6:2, :6:2], xn)),
        (lambda a, c: convlab.conv2d(a, wn, c, groups=2), (x, b), (xn, bn)),
    ]
    for fn, tensors, arrays in pairs:
        got = fn(*tensors)
        assert type(got) is np.ndarray
        np.testing.assert_array_equal(got, fn(*arrays))


def test_convlab_never_imports_torch():
    code = ("import sys, numpy as np, convlab; convlab.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)));"
            "convlab.correlate([1, 2], [1]); assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_object_that_only_looks_like_a_tensor_is_read_as_an_array():
    class Lookalike:           # this module is not torch's: np.asarray reads it through __array__
        requires_grad, device, dtype = True, "cuda", "bfloat16"

        def __array__(self, dtype=None, copy=None):
            return np.arange(3.0)

    np.testing.assert_array_equal(convlab.correlate(Lookalike(), [1.0]), [0.0, 1.0, 2.0])


# ------------------------------------------------------------------ refusals, each its own test

def _refused(call, pattern):
    with pytest.raises(TypeError, match=pattern) as info:
        call()
    assert type(info.value) is TypeError            # never torch's RuntimeError
    return str(info.value)


@pytest.mark.parametrize("argument", ["x", "w", "bias"])
def test_a_tensor_that_requires_grad_is_refused(argument):
    x, w, b = _tensors()
    args = {"x": x, "w": w, "bias": b}
    args[argument] = args[argument].clone().requires_grad_(True)
    _refused(lambda: convlab.conv2d(args["x"], args["w"], args["bias"]),
             rf"^{argument} must be an array or a torch tensor on the CPU that does not require grad; "
             rf"got a tensor that requires grad .*: call {argument}\.detach\(\) first$")


def test_a_parameter_is_refused_as_requiring_grad():
    w = torch.nn.Parameter(torch.ones(1, 1, 3))
    _refused(lambda: convlab.conv1d(np.ones((1, 1, 5)), w), r"^w .* requires grad .*call w\.detach\(\) first")


def test_a_grad_output_that_requires_grad_is_refused():
    dy = torch.ones(1, 1, 3, requires_grad=True)
    _refused(lambda: convlab.grad.conv1d_input((1, 1, 5), np.ones((1, 1, 3)), dy),
             r"^grad_output .* requires grad .*call grad_output\.detach\(\) first")


def test_a_tensor_on_another_device_is_refused():
    x = torch.ones(1, 1, 5, device="meta")          # a device every build of torch has besides the CPU
    _refused(lambda: convlab.conv1d(x, np.ones((1, 1, 3))),
             r"^x must be an array or a torch tensor on the CPU .*; got a tensor on device 'meta': "
             r"call x\.cpu\(\) first$")


@pytest.mark.parametrize("dtype", ["bfloat16", "float8_e4m3fn"])
def test_a_floating_dtype_numpy_lacks_is_refused(dtype):
    w = torch.ones(1, 1, 3, dtype=getattr(torch, dtype))
    _refused(lambda: convlab.conv1d(np.ones((1, 1, 5)), w),
             rf"^w must be .*of a dtype numpy has; got a tensor of dtype torch\.{dtype} that numpy cannot "
             rf"view .*: numpy has no torch\.{dtype}: convert to float32 \(e\.g\. w\.float\(\)\)$")


def test_a_complex_dtype_numpy_lacks_is_refused():
    with pytest.warns(UserWarning, match="ComplexHalf"):        # torch's own note on creating one
        x = torch.ones(4, dtype=torch.complex32)
    _refused(lambda: convlab.correlate(x, [1.0]), r"convert to complex64 \(e\.g\. x\.to\(torch\.complex64\)\)$")


def test_a_tensor_with_its_conjugate_bit_set_is_refused():
    x = torch.ones(4, dtype=torch.complex64).conj()
    _refused(lambda: convlab.correlate(x, [1.0]), r"call x\.resolve_conj\(\)\.resolve_neg\(\) first$")


def test_a_sparse_tensor_is_refused():
    x = torch.ones(1, 1, 5).to_sparse()
    _refused(lambda: convlab.max_pool1d(x, 2), r"^x must be .*: call x\.to_dense\(\) first$")


def test_a_figure_refuses_a_tensor_that_requires_grad():
    _refused(lambda: real_array("image", torch.ones(2, 2, requires_grad=True), 2),
             r"^image .* requires grad .*call image\.detach\(\) first")


def test_a_list_holding_a_tensor_that_requires_grad_names_its_index():
    _refused(lambda: convlab.correlate([torch.ones(3, requires_grad=True)], [[1.0]]),
             r"^x\[0\] must be .*requires grad .*: call x\[0\]\.detach\(\) first$")


def test_a_nested_list_holding_a_bfloat16_tensor_names_its_index():
    _refused(lambda: convlab.correlate(np.ones((2, 1)), [[1.0], [torch.ones(1, dtype=torch.bfloat16)]]),
             r"^w\[1\]\[0\] must be .*convert to float32 \(e\.g\. w\[1\]\[0\]\.float\(\)\)$")


def test_a_list_of_cpu_tensors_is_read():
    got = convlab.correlate([torch.ones(3), torch.arange(3.0)], [[1.0, 1.0]])
    np.testing.assert_array_equal(got, [[2.0, 2.0], [1.0, 3.0]])


# ------------------------------------------------------------------ masked arrays

MASKED = r"^{} must be an array without a mask; got a numpy\.ma\.MaskedArray, whose mask convlab would " \
         r"ignore: pass {}\.filled\(value\) to say what the masked cells hold, or use numpy\.ma\.correlate"


def _masked(shape):
    a = np.arange(float(np.prod(shape))).reshape(shape)
    return np.ma.masked_array(a, mask=a % 3 == 0)


def test_correlate_refuses_a_masked_signal():
    _refused(lambda: convlab.correlate(_masked((6,)), [1.0, 1.0]), MASKED.format("x", "x"))


def test_convolve_refuses_a_masked_kernel():
    _refused(lambda: convlab.convolve(np.ones(6), _masked((2,))), MASKED.format("w", "w"))


@pytest.mark.parametrize("argument", ["x", "w", "bias"])
def test_conv2d_refuses_a_masked_argument(argument):
    args = {"x": np.ones((1, 2, 5, 5)), "w": np.ones((3, 2, 2, 2)), "bias": np.ones(3)}
    args[argument] = _masked(args[argument].shape)
    _refused(lambda: convlab.conv2d(args["x"], args["w"], args["bias"]), MASKED.format(argument, argument))


@pytest.mark.parametrize("pool", ["max_pool2d", "avg_pool2d", "adaptive_max_pool2d"])
def test_pooling_refuses_a_masked_input(pool):
    _refused(lambda: getattr(convlab, pool)(_masked((1, 1, 4, 4)), 2), MASKED.format("x", "x"))


def test_pooling_backward_refuses_a_masked_grad_output():
    _refused(lambda: convlab.max_pool2d_backward(_masked((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), 2),
             MASKED.format("grad_output", "grad_output"))


def test_unfold_refuses_a_masked_input():
    _refused(lambda: convlab.unfold(_masked((1, 1, 4, 4)), 2), MASKED.format("x", "x"))


def test_a_masked_array_without_masked_cells_is_refused_too():
    """One rule whatever the mask holds: the caller says what a masked cell means."""
    _refused(lambda: convlab.correlate(np.ma.masked_array(np.ones(4)), [1.0]), MASKED.format("x", "x"))


def test_the_filled_array_gives_what_numpy_ma_gives_where_nothing_is_masked():
    """The suggested way out works: filled with 0, the sums over unmasked windows are numpy.ma's."""
    x = _masked((9,))
    got = convlab.correlate(x.filled(0.0), np.ones(2), "valid")
    want = np.ma.correlate(x, np.ones(2), "valid")
    unmasked = ~np.ma.getmaskarray(want)
    np.testing.assert_array_equal(got[unmasked], want.data[unmasked])
