"""explain_method/choose_method for correlate and convolve calls (issue 18).

``explain_method(x, w, mode="same")`` (or ``op="correlate"``/``"convolve"``)
describes the signal call, as ``scipy.signal.choose_conv_method`` does. The
check is independent of the resolver: every method's kernels are wrapped to
record which one actually runs, and the method the explanation names must be
the one ``correlate``/``convolve(..., method="auto")`` ran, over random
signals, modes, axes and dtypes, NaN (the FFT's fallback) included.
"""

from __future__ import annotations

import dataclasses
import warnings
from unittest import mock

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import convlab
from convlab import registry

ran: list[str] = []


def _recording(record):
    def compute(x, w, geometry, plan=None, _inner=record.compute):
        ran.append(record.name)
        return _inner(x, w, geometry, plan)
    return dataclasses.replace(record, compute=compute)


@pytest.fixture
def recorded():
    """The registry with every kernel wrapped to record its name when it runs."""
    wrapped = {name: _recording(record) for name, record in registry.REGISTRY.items()}
    ran.clear()
    with mock.patch.object(registry, "REGISTRY", wrapped):
        yield


@st.composite
def signal_calls(draw):
    ndim = draw(st.integers(1, 2))
    long = draw(st.booleans())              # long signals and kernels, where the FFT wins
    if ndim == 1:
        n = draw(st.integers(2000, 6000) if long else st.integers(1, 40))
        k = draw(st.integers(100, 400) if long else st.integers(1, 6))
        x_shape, w_shape = (n,), (k,)
    else:
        n = draw(st.integers(100, 160) if long else st.integers(1, 12))
        k = draw(st.integers(15, 31) if long else st.integers(1, 4))
        x_shape, w_shape = (n, n + 1), (k, k)
    mode = draw(st.sampled_from(["valid", "same", "full"]))
    if mode == "valid":
        w_shape = tuple(min(a, b) for a, b in zip(x_shape, w_shape))
    dtype = draw(st.sampled_from(["float64", "float32", "int64", "complex128"]))
    nan = dtype != "int64" and draw(st.booleans())
    axes = draw(st.sampled_from([None, -1])) if ndim == 2 else None
    if axes is not None:                    # broadcast over axis 0: one kernel row for every row
        w_shape = (1, w_shape[1])
    op = draw(st.sampled_from(["correlate", "convolve"]))
    return x_shape, w_shape, mode, dtype, nan, axes, op, draw(st.integers(0, 2**32 - 1))


def _arrays(x_shape, w_shape, dtype, nan, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.integers(-9, 10, x_shape).astype(dtype), rng.integers(-9, 10, w_shape).astype(dtype)
    if nan:
        x.flat[rng.integers(x.size)] = np.nan
    return x, w


@given(signal_calls())
def test_the_explained_method_is_the_one_that_runs(call):
    x_shape, w_shape, mode, dtype, nan, axes, op, seed = call
    x, w = _arrays(x_shape, w_shape, dtype, nan, seed)
    wrapped = {name: _recording(record) for name, record in registry.REGISTRY.items()}
    with mock.patch.object(registry, "REGISTRY", wrapped):
        plan = convlab.explain_method(x, w, mode=mode, axes=axes, op=op)
        assert convlab.choose_method(x, w, mode=mode, axes=axes, op=op) == plan.method
        ran.clear()
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)    # the FFT's NaN fallback
            getattr(convlab, op)(x, w, mode, axes=axes)
    event(f"ran {plan.method}")
    if 0 not in x.shape:
        assert ran == [plan.method], (ran, str(plan))


def test_both_methods_are_seen_and_the_check_catches_a_wrong_name(recorded):
    """The comparison above can fail: long signals run the FFT, short ones im2col, so an
    explanation that always named one method would be caught on the other."""
    convlab.correlate(np.ones(5000), np.ones(400), "same")
    convlab.correlate(np.ones(50), np.ones(3), "same")
    assert ran == ["fft", "im2col"]
    assert convlab.explain_method(np.ones(5000), np.ones(400), mode="same").method == "fft"
    assert convlab.explain_method(np.ones(50), np.ones(3), mode="same").method == "im2col"


def test_mode_alone_means_correlate_and_op_sets_the_default_mode(recorded):
    x, w = np.ones(3000), np.ones(300)
    assert convlab.explain_method(x, w, mode="valid") == convlab.explain_method(x, w, op="correlate")
    assert convlab.explain_method(x, w, mode="full") == convlab.explain_method(x, w, op="convolve")
    ran.clear()
    convlab.convolve(x, w)
    assert ran == [convlab.explain_method(x, w, op="convolve").method]


def test_the_fft_fallback_on_nan_is_explained(recorded):
    x = np.ones(5000)
    x[7] = np.nan
    plan = convlab.explain_method(x, np.ones(400), mode="same", method="fft")
    assert plan.method == "im2col" and plan.warning
    with pytest.warns(RuntimeWarning):
        convlab.correlate(x, np.ones(400), "same", method="fft")
    assert ran == ["im2col"]


def test_layer_calls_are_unchanged():
    x, w = np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31))
    assert convlab.explain_method(x, w).method == convlab.explain_method(x, w, op="conv").method == "fft"


# ---------------------------------------------------------------- bad calls, each its own test

def test_op_of_the_wrong_type():
    with pytest.raises(TypeError, match=r"^op must be one of \('conv', 'correlate', 'convolve'\); got 1 of type int$"):
        convlab.explain_method(np.ones(5), np.ones(2), op=1)


def test_op_unknown():
    with pytest.raises(ValueError, match=r"^op must be one of \('conv', 'correlate', 'convolve'\); got 'conv2d'$"):
        convlab.explain_method(np.ones(5), np.ones(2), op="conv2d")


def test_mode_in_a_layer_call():
    with pytest.raises(ValueError, match=r"^mode belongs to a correlate/convolve call .*; a layer call "
                                         r"\(op='conv'\) takes none; got mode='same'$"):
        convlab.explain_method(np.ones((1, 1, 5)), np.ones((1, 1, 2)), mode="same", op="conv")


def test_axes_in_a_layer_call():
    with pytest.raises(ValueError, match=r"^axes belongs to a correlate/convolve call .*got axes=-1$"):
        convlab.choose_method(np.ones((1, 1, 5)), np.ones((1, 1, 2)), axes=-1, op="conv")


@pytest.mark.parametrize("name, value", [("bias", np.ones(1)), ("stride", 2), ("padding", 1), ("dilation", 2),
                                         ("groups", 2), ("padding_mode", "reflect")])
def test_a_layer_argument_in_a_signal_call(name, value):
    with pytest.raises(ValueError, match=rf"^{name} belongs to a layer call \(convnd\); a correlate call "
                                         rf"\(op='correlate', or mode= or axes= given\) takes none; got {name}="):
        convlab.explain_method(np.ones(5), np.ones(2), mode="same", **{name: value})


def test_a_bad_mode_in_a_signal_call():
    with pytest.raises(ValueError, match=r"^mode must be one of \('valid', 'same', 'full'\); got 'middle'$"):
        convlab.explain_method(np.ones(5), np.ones(2), mode="middle")


def test_a_signal_given_as_a_layer_call_says_how_to_ask_for_a_signal_call():
    with pytest.raises(ValueError, match=r"at least 3 dimensions for a layer call; got shape \(2,\) \(for a "
                                         r"correlate/convolve call pass mode=, axes= or op='correlate'\)$"):
        convlab.explain_method(np.ones(5), np.ones(2))
