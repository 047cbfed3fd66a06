"""convlab.check names the classic mistakes: each test feeds one mistake and reads the diagnosis.

A diagnosis comes from recomputing the reference with the mistake, so each
test also shows that a correct function gets none, and that a mistake the
grader does not know is left undiagnosed rather than misnamed."""

from __future__ import annotations

import numpy as np
import pytest

import convlab


def valid(x, w):
    k = len(w)
    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)])


def layer1d(x, w, stride=1, padding=0, dilation=1):
    """conv1d_single by a loop over outputs, NumPy only."""
    xp = np.concatenate([np.zeros(padding), x, np.zeros(padding)])
    span = dilation * (len(w) - 1) + 1
    if span > len(xp):
        raise ValueError("kernel too large")
    n_out = (len(xp) - span) // stride + 1
    return np.array([xp[i * stride: i * stride + span: dilation] @ w for i in range(n_out)])


def conv2d_loops(x, w, bias=None, stride=1, padding=0, w_index="oc"):
    """conv2d by loops over kernel taps; ``w_index="co"`` reads w's channel axes the wrong way round."""
    x = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    c_out, _, kh, kw = w.shape
    ho, wo = (x.shape[2] - kh) // stride + 1, (x.shape[3] - kw) // stride + 1
    y = np.zeros((x.shape[0], c_out, ho, wo))
    for a, b in np.ndindex(kh, kw):
        window = x[:, :, a:a + (ho - 1) * stride + 1:stride, b:b + (wo - 1) * stride + 1:stride]
        y += np.einsum(f"nchw,{w_index}->nohw", window, w[:, :, a, b])
    return y if bias is None else y + bias[None, :, None, None]


def diagnosis_of(result):
    assert not result.ok
    return result.headline.rsplit(": ", 1)[-1]


def test_a_correct_function_has_no_diagnosis_and_an_unknown_mistake_none():
    assert convlab.check(valid, "correlate").diagnosis is None
    result = convlab.check(lambda x, w: valid(x, w) + 0.5, "correlate")      # no classic mistake
    assert not result.ok and result.diagnosis is None
    assert result.headline == f"✘ correlate: {result.total} of {result.total} cases failed"


def test_flipped_kernel():
    result = convlab.check(lambda x, w: valid(x, w[::-1]), "correlate")
    assert diagnosis_of(result) == "flipped kernel"
    assert "convolution" in str(result)
    # convolve's mistake is the other way round: no flip
    assert diagnosis_of(convlab.check(valid, "convolve", mode="valid")) == "kernel not flipped"
    # in 2-D, a flip of one axis only is named as such
    def one_axis(x, w):
        return convlab.correlate(x, w[::-1])
    assert diagnosis_of(convlab.check(one_axis, "correlate", ndim=2)) == "kernel flipped along one axis"


@pytest.mark.parametrize("fewer", [True, False])
def test_off_by_one_output_size(fewer):
    def off(x, w):
        k = len(w)
        return np.array([x[i:i + k] @ w for i in range(len(x) - k + (0 if fewer else 2)) if i + k <= len(x)]
                        + ([] if fewer else [0.0]))
    assert diagnosis_of(convlab.check(off, "conv1d_single")) == f"one window too {'few' if fewer else 'many'}"
    assert diagnosis_of(convlab.check(lambda n, k: n - k, "output_size")) == "one window too few"


def test_swapped_channel_axes():
    result = convlab.check(lambda x, w: conv2d_loops(x, w, w_index="co"), "conv2d")
    assert diagnosis_of(result) == "swapped channel axes"
    assert "(C_out, C_in/groups, *k)" in " ".join(str(result).split())
    result = convlab.check(lambda x, w: np.swapaxes(conv2d_loops(x, w), 0, 1), "conv2d")
    assert diagnosis_of(result) == "swapped channel axes"


def test_padding_on_one_side_only():
    def before_only(x, w, stride=1, padding=0, dilation=1):
        return layer1d(np.concatenate([np.zeros(2 * padding), x]), w, stride, 0, dilation)
    result = convlab.check(before_only, "conv1d_single", padding=1, pass_options=True)
    assert diagnosis_of(result) == "padding on one side only"
    assert "pads 2 before and 0 after" in " ".join(str(result).split())

    def same_extra_after(x, w, mode="valid"):                         # the even kernel's extra zero after
        k = len(w)
        return valid(np.concatenate([np.zeros((k - 1) // 2), x, np.zeros(k // 2)]), w)
    result = convlab.check(same_extra_after, "correlate", mode="same", pass_options=True)
    assert diagnosis_of(result) == "padding on the wrong side"


def test_missing_bias():
    result = convlab.check(lambda x, w, bias: conv2d_loops(x, w), "conv2d", bias=True)
    assert diagnosis_of(result) == "missing bias"
    assert convlab.check(conv2d_loops, "conv2d", bias=True).ok


def test_integer_truncation():
    def truncating(x, w):
        y = np.zeros_like(x, shape=len(x) - len(w) + 1)          # x's dtype: integers truncate
        for i in range(len(y)):
            y[i] = x[i:i + len(w)] @ w
        return y
    result = convlab.check(truncating, "correlate")
    assert diagnosis_of(result) == "integer truncation"
    assert [f.label for f in result.failures] == ["integer signal, fractional kernel"]


def test_transposed_weight_slice():
    def transposed_taps(x, w):
        return conv2d_loops(x, np.swapaxes(w, -1, -2).copy()) if w.shape[2] == w.shape[3] else \
            np.zeros((1,))
    assert diagnosis_of(convlab.check(transposed_taps, "conv2d")) == "transposed weight slice"

    def weight_grad_co(x, weight_size, grad_output):             # dw[:, :, a, b] holds (C_in, C_out)
        oh, ow = grad_output.shape[2:]
        dw = np.zeros((weight_size[1], weight_size[0], *weight_size[2:]))
        for a, b in np.ndindex(*weight_size[2:]):
            dw[:, :, a, b] = np.einsum("noij,ncij->co", grad_output, x[:, :, a:a + oh, b:b + ow])
        return dw if weight_size[0] == weight_size[1] else dw.reshape(weight_size)
    result = convlab.check(weight_grad_co, "conv2d_weight")
    assert diagnosis_of(result) == "transposed weight slice"


@pytest.mark.parametrize("option", ["stride", "dilation"])
def test_stride_or_dilation_ignored(option):
    result = convlab.check(lambda x, w, **_: layer1d(x, w), "conv1d_single", pass_options=True, **{option: 2})
    assert diagnosis_of(result) == f"{option} ignored"
    # the usual cause: the options were not passed on, and the message says how to pass them
    result = convlab.check(layer1d, "conv1d_single", **{option: 2})
    assert diagnosis_of(result) == f"{option} ignored"
    assert "pass_options=True" in " ".join(str(result).split())


def test_stride_and_dilation_swapped():
    def swapped(x, w, stride=1, dilation=1):
        return layer1d(x, w, stride=dilation, dilation=stride)
    result = convlab.check(swapped, "conv1d_single", stride=2, dilation=3, pass_options=True)
    assert diagnosis_of(result) == "stride and dilation swapped"


def test_float32_arithmetic_on_float64_input():
    def in_float32(x, w):
        return valid(x.astype(np.float32), w.astype(np.float32)).astype(np.float64)
    result = convlab.check(in_float32, "correlate")
    assert diagnosis_of(result) == "float32 arithmetic"
    # returning float32 instead is graded at float32 precision and passes
    assert convlab.check(lambda x, w: in_float32(x, w).astype(np.float32), "correlate").ok


def test_assignment_instead_of_addition_in_max_pool_backward():
    def assigns(grad_output, x, kernel_size, stride):
        dx = np.zeros(x.shape)
        for n, c, i, j in np.ndindex(grad_output.shape):
            window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            r, q = np.unravel_index(np.argmax(window), window.shape)
            dx[n, c, i * stride + r, j * stride + q] = grad_output[n, c, i, j]
        return dx
    result = convlab.check(assigns, "max_pool2d_backward", kernel_size=3, stride=1, pass_options=True)
    assert diagnosis_of(result) == "= instead of +="


def test_transposed_convolution_flip_and_channel_layout():
    def unflipped(x, w):
        return convlab.conv_transpose1d(x, w[..., ::-1])
    assert diagnosis_of(convlab.check(unflipped, "conv_transpose1d")) == "kernel flipped"
