"""Robustness of the whole public API against bad input (issue 20 section 3).

Each example starts from a valid call of a public function and makes one or
two of its arguments bad: wrong types, None, bools, NaN and infinities,
huge and negative ints (up to 2**64 and 10**400), tuples of the wrong
length, unknown strings, arrays of the wrong rank, dtype or channel count.
Every outcome must be a result, or a ``ValueError``/``TypeError`` whose
message names an argument the example made bad (or, for a change of an
array's shape or a size, any argument of the call: the shapes must agree
with each other and with the geometry), or a
``MemoryError`` from the size rule (its own message). Never another
exception type, never a hang (a 20 s alarm per call guards; the arrays are
small and ``memory_limit_bytes`` keeps every accepted call small).

The budget is fixed and the examples derandomized, so CI sees the same
calls every run; the counts of calls and outcomes are printed (``pytest -s``).
"""

from __future__ import annotations

import collections
import os
import re
import signal
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convlab
from convlab import grad

RNG = np.random.default_rng(20)


def arr(*shape, dtype=float):
    return RNG.standard_normal(shape).astype(dtype) if shape else np.float64(1.0)


X1, W1, B1 = arr(2, 2, 8), arr(3, 2, 3), arr(3)
X2, W2 = arr(1, 2, 6, 6), arr(2, 2, 3, 3)
LAYER = dict(stride=1, padding=1, dilation=1, groups=1)


def spec(name, function, **kwargs):
    return name, function, kwargs


def _check_fn(x, w):
    return convlab.conv1d(x, w)


SPECS = [
    spec("conv1d", convlab.conv1d, x=X1, w=W1, bias=B1, padding_mode="zeros", method="auto", **LAYER),
    spec("conv2d", convlab.conv2d, x=X2, w=W2, bias=arr(2), padding_mode="reflect", method="auto", **LAYER),
    spec("conv3d", convlab.conv3d, x=arr(1, 1, 4, 4, 4), w=arr(2, 1, 2, 2, 2), method="auto", **LAYER),
    spec("convnd", convlab.convnd, x=X1, w=W1, method="im2col", **LAYER),
    spec("conv1d fft", convlab.conv1d, x=X1, w=W1, method="fft", stride=1, padding="same", dilation=2),
    spec("conv_transpose1d", convlab.conv_transpose1d, x=arr(1, 2, 5), w=arr(2, 3, 3), bias=arr(3), stride=2,
         padding=1, output_padding=1, groups=1, dilation=1, method="auto"),
    spec("conv_transpose2d", convlab.conv_transpose2d, x=arr(1, 2, 3, 3), w=arr(2, 1, 2, 2), stride=2,
         padding=0, output_padding=0, groups=2, dilation=1, method="fft"),
    spec("grad.conv1d_input", grad.conv1d_input, input_size=(2, 2, 8), weight=W1, grad_output=arr(2, 3, 6),
         stride=1, padding=0, dilation=1, groups=1, method="auto"),
    spec("grad.conv2d_weight", grad.conv2d_weight, input=X2, weight_size=(2, 2, 3, 3),
         grad_output=arr(1, 2, 4, 4), stride=1, padding=0, dilation=1, groups=1, method="auto"),
    spec("grad.bias_grad", grad.bias_grad, grad_output=arr(2, 3, 6)),
    spec("max_pool1d", convlab.max_pool1d, x=X1, kernel_size=2, stride=None, padding=1, dilation=1,
         ceil_mode=False, return_indices=True),
    spec("max_pool2d_backward", convlab.max_pool2d_backward, grad_output=arr(1, 2, 3, 3), x=X2, kernel_size=2,
         stride=2, padding=0, dilation=1, ceil_mode=False),
    spec("avg_pool2d", convlab.avg_pool2d, x=X2, kernel_size=3, stride=2, padding=1, ceil_mode=True,
         count_include_pad=False, divisor_override=None),
    spec("avg_pool1d_backward", convlab.avg_pool1d_backward, grad_output=arr(2, 2, 4), x=X1, kernel_size=2,
         stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=3),
    spec("adaptive_avg_pool2d", convlab.adaptive_avg_pool2d, x=X2, output_size=(3, 2)),
    spec("adaptive_max_pool1d", convlab.adaptive_max_pool1d, x=X1, output_size=3, return_indices=True),
    spec("max_unpool1d", convlab.max_unpool1d, x=arr(2, 2, 4), indices=np.tile([0, 3, 4, 7], (2, 2, 1)),
         kernel_size=2, stride=2, padding=0, output_size=(8,)),
    spec("unfold", convlab.unfold, x=X2, kernel_size=3, stride=1, padding=1, dilation=1, padding_mode="zeros"),
    spec("fold", convlab.fold, x=arr(1, 18, 16), output_size=(6, 6), kernel_size=3, dilation=1, padding=0,
         stride=1, padding_mode="zeros"),
    spec("output_size", convlab.output_size, n=8, k=3, stride=1, padding=1, dilation=1, transposed=False,
         output_padding=0),
    spec("same_padding", convlab.same_padding, k=3, dilation=2),
    spec("conv_output_shape", convlab.conv_output_shape, x_shape=(1, 2, 6, 6), w_shape=(2, 2, 3, 3), stride=1,
         padding=0, dilation=1, transposed=False, output_padding=0),
    spec("correlate", convlab.correlate, x=arr(8), w=arr(3), mode="same", method="auto", axes=None),
    spec("convolve", convlab.convolve, x=arr(3, 8), w=arr(1, 3), mode="full", method="fft", axes=1),
    spec("correlation_lags", convlab.correlation_lags, in1_len=8, in2_len=3, mode="full"),
    spec("explain_method", convlab.explain_method, x=X2, w=W2, bias=None, padding_mode="zeros", method="auto",
         **LAYER),
    spec("choose_method", convlab.choose_method, x=X1, w=W1, bias=B1, **LAYER),
    spec("check", convlab.check, fn=_check_fn, task="conv1d", n_random=1, seed=0),
    spec("locally_connected1d", convlab.locally_connected1d, x=arr(1, 2, 6), w=arr(4, 3, 2, 3), bias=arr(3, 4),
         stride=1, padding=0, dilation=1, padding_mode="zeros"),
    spec("locally_connected_input", convlab.locally_connected_input, input_size=(1, 2, 6), weight=arr(4, 3, 2, 3),
         grad_output=arr(1, 3, 4), stride=1, padding=0, dilation=1, padding_mode="zeros"),
    spec("tiled_conv1d", convlab.tiled_conv1d, x=arr(1, 2, 6), w=arr(2, 3, 2, 3), bias=arr(3), stride=1,
         padding=1, dilation=1, padding_mode="zeros"),
    spec("tiled_conv_weight", convlab.tiled_conv_weight, input=arr(1, 2, 6), weight_size=(2, 3, 2, 3),
         grad_output=arr(1, 3, 4), stride=1, padding=0, dilation=1, padding_mode="zeros"),
    spec("blur_pool1d", convlab.blur_pool1d, x=X1, order=2, stride=2, padding_mode="reflect"),
    spec("max_blur_pool2d", convlab.max_blur_pool2d, x=X2, kernel_size=2, order=2, stride=2,
         padding_mode="reflect"),
    spec("binomial_filter", convlab.binomial_filter, order=3, ndim=2),
    spec("p4_lift", convlab.p4_lift, x=X2, w=arr(3, 2, 3, 3), bias=arr(3), stride=1, padding=1, dilation=1),
    spec("p4_conv", convlab.p4_conv, x=arr(1, 2, 4, 5, 5), w=arr(3, 2, 4, 3, 3), bias=None, stride=1, padding=0,
         dilation=1),
    spec("p4_rotate", convlab.p4_rotate, y=arr(1, 2, 4, 5, 5), k=1),
]
ARRAY_ARGS = {"x", "w", "bias", "grad_output", "weight", "input", "indices", "y"}
SHAPE_ARGS = ARRAY_ARGS | {"input_size", "weight_size", "output_size", "x_shape", "w_shape", "kernel_size"}

BAD_SCALARS = [None, True, False, np.nan, np.inf, -np.inf, 1.5, -1, 0, 2**31, 2**63, 2**64, 10**400,
               -(2**63), -(10**400), "", "bogus", "same", (), (1,), (1, 2, 3, 4, 5), (2, None), [[1]], {},
               {"a": 1}, object(), np.int64(2), np.float64(2.0), np.bool_(True), complex(1, 1),
               np.ones((2, 2)), np.array(5), np.array([2]), np.zeros((0,)), b"bytes", (1.5, 2), (-1, 1),
               (2**64, 1), (10**400,), [3, "a"]]


def _bad_arrays(value: np.ndarray) -> list:
    """Array-specific damage: wrong rank, dtype, channel count, values."""
    out = [value[None], value.reshape(-1), value.astype(bool), value.astype(complex),
           value.astype(object), value.astype(str), np.full_like(value, np.nan, dtype=float),
           np.full_like(value, np.inf, dtype=float), np.full(value.shape, 2**62, dtype=np.int64),
           np.full(value.shape, 2**63, dtype=np.uint64), value.tolist()]
    if value.ndim >= 1:
        out += [value[..., :0], value[..., :1], np.concatenate([value, value], axis=-1)]
    if value.ndim >= 2:
        out += [np.concatenate([value, value[:, :1]], axis=1), value[0]]
        obj = value.astype(object)
        obj.flat[obj.size // 2] = None
        out.append(obj)
    return out


def _names(message: str, names) -> bool:
    return any(re.search(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])", message) for n in names)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang("a call ran for more than 20 s")


COUNTS: collections.Counter = collections.Counter()
BAD: list = []


def _outcome(name, fn, kwargs, changed) -> str:
    try:
        signal.alarm(20)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fn(**kwargs)
        finally:
            signal.alarm(0)
        return "result"
    except MemoryError as exc:
        if "nothing was allocated" not in str(exc):
            BAD.append((name, changed, f"MemoryError not from the size rule: {exc}"))
        return "MemoryError (size rule)"
    except (ValueError, TypeError) as exc:
        message = str(exc)
        allowed = set(changed)
        if allowed & SHAPE_ARGS:
            # a shape must agree with the other arrays' shapes and with the geometry: the message
            # may name any argument of that relation
            allowed |= set(kwargs)
        if not _names(message, allowed):
            BAD.append((name, changed, f"{type(exc).__name__} naming none of {sorted(allowed)}: {message}"))
        return type(exc).__name__
    except Hang:
        BAD.append((name, changed, "hang"))
        return "hang"
    except Exception as exc:                # noqa: BLE001 - the point of the test
        BAD.append((name, changed, f"{type(exc).__name__}: {exc}"))
        return type(exc).__name__


@st.composite
def bad_calls(draw):
    name, fn, valid = draw(st.sampled_from(SPECS))
    changed = draw(st.lists(st.sampled_from(sorted(valid)), min_size=1, max_size=2, unique=True))
    kwargs = dict(valid)
    for arg in changed:
        pool = list(BAD_SCALARS)
        if isinstance(valid[arg], np.ndarray):
            pool = _bad_arrays(valid[arg]) + pool[:12]
        kwargs[arg] = draw(st.sampled_from(pool))
    return name, fn, kwargs, tuple(changed)


#: The fixed budget (about 18 s of CPU); CONVLAB_FUZZ_EXAMPLES changes it for a longer local run.
EXAMPLES = int(os.environ.get("CONVLAB_FUZZ_EXAMPLES", "8000"))


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(bad_calls())
def _fuzz(call):
    name, fn, kwargs, changed = call
    COUNTS[_outcome(name, fn, kwargs, changed)] += 1


def test_public_api_refuses_bad_input_by_name():
    COUNTS.clear()
    BAD.clear()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(0)
    try:
        with convlab.options(memory_limit_bytes=2**28, loop_warn_seconds=None):
            for _name, fn, kwargs in SPECS:            # every valid call works
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fn(**kwargs)
            _fuzz()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    total = sum(COUNTS.values())
    print(f"\nrobustness: {total} calls over {len(SPECS)} public functions; outcomes: "
          + ", ".join(f"{kind} {n}" for kind, n in COUNTS.most_common()))
    assert total >= EXAMPLES // 2
    shown = "\n".join(f"{name} {changed}: {what}"[:400] for name, changed, what in BAD[:25])
    assert not BAD, f"{len(BAD)} bad outcomes:\n{shown}"


def test_the_check_catches_a_raw_error():
    """The classification can fail: a raw IndexError, or a message naming another argument."""
    BAD.clear()

    def raw(**kwargs):
        return [][1]

    def wrong_name(**kwargs):
        raise ValueError("stride must be positive")

    assert _outcome("raw", raw, {"x": 1}, ("x",)) == "IndexError"
    assert _outcome("wrong", wrong_name, {"x": 1, "padding": 0}, ("padding",)) == "ValueError"
    assert len(BAD) == 2
    BAD.clear()
