"""The small call's fast paths (issue 20 §4): a repeated call is answered from what an
earlier call with the same shapes, dtypes and plain arguments found, and must still
check everything and compute the same numbers.

* every check that reads only shapes, dtypes and plain arguments gives the same error
  on a repeated signature as on a fresh one, each bad value its own case, after the
  signature was cached by a valid call;
* the checks that read values or the machine run on every call: the integer overflow
  rule (values), the size rule (the memory available now) and the registry (a method
  registered or changed since);
* results agree with torch (and exactly with integers) on random configurations, on
  the first call and on the repeated one; and that check is shown to catch a cache
  entry that answers for the wrong signature.

Nothing here times anything: the speed is the benchmark's (``python -m benchmarks``).
"""

from __future__ import annotations

import dataclasses
import warnings
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import error_bound, require
from tolerance import tolerance

import convlab
from convlab import calibration, registry, resolve
from convlab._validate import layers

X, W = np.ones((1, 1, 100)), np.ones((1, 1, 3))


def _warm(**kwargs) -> None:
    """A valid call of the benchmark's shapes, twice: its signature is then cached."""
    for _ in range(2):
        convlab.conv1d(X, W, **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"stride": True}, TypeError, r"stride must be a positive int .* got True of type bool"),
    ({"stride": 1.0}, TypeError, r"stride must be a positive int .* got 1\.0 of type float"),
    ({"stride": 0}, ValueError, r"stride must be a positive int"),
    ({"dilation": True}, TypeError, r"dilation must be a positive int .* got True of type bool"),
    ({"padding": False}, TypeError, r"padding must be a non-negative int.* got False of type bool"),
    ({"padding": -1}, ValueError, r"padding must be a non-negative int"),
    ({"groups": True}, TypeError, r"groups must be a positive int; got True of type bool"),
    ({"groups": 2}, ValueError, r"groups=2 must divide the input channels C_in=1"),
    ({"padding_mode": "zero"}, ValueError, r"padding_mode must be one of"),
    ({"method": "magic"}, ValueError, r"method must be one of"),
    ({"method": "winograd", "dilation": 2}, ValueError, r"method='winograd' needs dilation 1"),
])
def test_a_cached_signature_still_refuses_a_bad_argument(kwargs, error, match):
    _warm()
    _warm(method="im2col")
    with pytest.raises(error, match=match):
        convlab.conv1d(X, W, **kwargs)


X2, W2 = np.ones((1, 2, 9, 9)), np.ones((4, 2, 3, 3))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"stride": (1, True)}, TypeError, r"stride must be a positive int .* got True of type bool"),
    ({"stride": (1, 1.0)}, TypeError, r"stride must be a positive int .* got 1\.0 of type float"),
    ({"stride": (1, 1, 1)}, ValueError, r"stride must be .* of length 3"),
    ({"padding": ((0, 0), (0, False))}, TypeError, r"padding must be .* got False of type bool"),
    ({"padding": ((0, 0), (0, -1))}, ValueError, r"padding must be"),
    ({"padding": "same", "stride": (1, 2)}, ValueError, r"padding='same' needs stride 1"),
    ({"padding": "sam"}, ValueError, r"padding must be one of"),
    ({"dilation": (True, 1)}, TypeError, r"dilation must be a positive int .* got True of type bool"),
    ({"dilation": (5, 1)}, ValueError, r"kernel too large"),
])
def test_a_cached_signature_of_tuples_still_refuses_a_bad_tuple(kwargs, error, match):
    for good in ({"stride": (1, 1)}, {"padding": ((0, 0), (0, 0))}, {"padding": "same"}, {"dilation": (1, 1)},
                 {"stride": (1, 2), "padding": "valid"}):
        for _ in range(2):
            assert convlab.conv2d(X2, W2, **good).shape[:2] == (1, 4)
    with pytest.raises(error, match=match):
        convlab.conv2d(X2, W2, **kwargs)


@pytest.mark.parametrize("x, w, bias, error, match", [
    (np.ones((1, 1, 100), dtype=bool), W, None, TypeError, r"x must have a numeric dtype .* got bool"),
    (np.array([[[1.0, None, 3.0]]], dtype=object), W, None, TypeError, r"x is an object array"),
    (X, W, np.ones(2), ValueError, r"bias must have shape \(C_out,\) = \(1,\)"),
    (X, np.ones((1, 2, 3)), None, ValueError, r"channel mismatch"),
    (X[0, 0], W, None, ValueError, r"x must have shape \(N, C_in, \*spatial\)"),
])
def test_a_cached_signature_still_refuses_a_bad_array(x, w, bias, error, match):
    _warm()
    with pytest.raises(error, match=match):
        convlab.conv1d(x, w, bias)


def test_the_integer_overflow_rule_reads_the_values_of_every_call():
    small = np.ones((1, 1, 100), dtype=np.int64)
    for _ in range(2):
        assert convlab.conv1d(small, W.astype(np.int64))[0, 0, 0] == 3
    with pytest.raises(ValueError, match=r"integer inputs could overflow the int64 result"):
        convlab.conv1d(np.full((1, 1, 100), 2**62, dtype=np.int64), W.astype(np.int64))


def test_the_size_rule_reads_the_memory_available_at_every_call():
    # a 128 MiB result (never allocated: explain_method plans, and the call is refused)
    x = np.broadcast_to(np.ones(1), (1, 1, 2**24))
    w = np.ones((1, 1, 1))
    with convlab.options(memory_limit_bytes=2**40):
        for _ in range(2):
            assert convlab.explain_method(x, w, method="im2col").method == "im2col"
    # validation's own check, on the result alone (the resolver's would name im2col's scratch too)
    with convlab.options(memory_limit_bytes=2**20), \
            pytest.raises(MemoryError, match=r"of shape \(1, 1, 16777216\) would take 128 MiB \(134217728 bytes\), more"):
        convlab.explain_method(x, w, method="im2col")


def test_a_registry_changed_since_is_asked_again():
    _warm(method="im2col")
    refusing = dataclasses.replace(registry.REGISTRY["im2col"], supports=lambda problem: "refuses everything")
    with mock.patch.object(registry, "REGISTRY", {**registry.REGISTRY, "im2col": refusing}), \
            pytest.raises(ValueError, match=r"method='im2col' refuses everything"):
        convlab.conv1d(X, W, method="im2col")
    with mock.patch.object(registry, "REGISTRY", {**registry.REGISTRY, "fast": registry.REGISTRY["im2col"]}):
        assert convlab.conv1d(X, W, method="fast").shape == (1, 1, 98)
    with pytest.raises(ValueError, match=r"method must be one of"):
        convlab.conv1d(X, W, method="fast")


def test_a_method_asked_for_is_tuned_with_the_speeds_of_the_call():
    """The remembered plan of ``method="fft"`` (its overlap-add block) follows the speeds."""
    x, w = np.ones((1, 1, 100_000)), np.ones((1, 1, 1000))
    first = [convlab.explain_method(x, w, method="fft").block_length for _ in range(2)]
    with mock.patch.object(calibration, "DEFAULT", dataclasses.replace(calibration.DEFAULT, fft_lone=10.0)):
        changed = convlab.explain_method(x, w, method="fft").block_length
        with mock.patch.object(resolve, "_asked_plans", {}):
            fresh = convlab.explain_method(x, w, method="fft").block_length
    assert first[0] == first[1] != fresh == changed
    assert convlab.explain_method(x, w, method="fft").block_length == first[0]


def test_the_loop_warning_follows_the_setting_of_the_call():
    x, w = np.ones((1, 1, 100)), np.ones((1, 1, 3))
    for limit, warns in ((1e-9, True), (None, False), (1e-9, True), (1e3, False)):
        with convlab.options(loop_warn_seconds=limit), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            convlab.conv1d(x, w, method="loop")
        assert any("loop_warn_seconds" in str(c.message) for c in caught) == warns, limit


def test_an_explicit_method_is_refused_by_the_size_rule_at_every_call():
    # im2col's scratch (128 MiB of columns) beside a 128 MiB result: the resolver's own check
    x, w = np.broadcast_to(np.ones(1), (1, 1, 2**24)), np.ones((1, 1, 1))
    with convlab.options(memory_limit_bytes=2**40):
        for _ in range(2):
            assert convlab.explain_method(x, w, method="im2col").method == "im2col"
    with convlab.options(memory_limit_bytes=200 * 2**20), \
            pytest.raises(MemoryError, match=r"of scratch for method='im2col'"):
        convlab.explain_method(x, w, method="im2col")


# --------------------------------------------------------------------------
# the numbers: torch, on the first and the repeated call
# --------------------------------------------------------------------------

layer_calls = st.fixed_dictionaries({
    "n": st.integers(0, 2), "c_in_g": st.integers(1, 3), "groups": st.integers(1, 2),
    "c_out_g": st.integers(1, 3), "size": st.integers(1, 12), "k": st.integers(1, 4),
    "stride": st.integers(1, 3), "padding": st.integers(0, 2), "dilation": st.integers(1, 2),
    "bias": st.booleans(), "unbatched": st.booleans(), "dtype": st.sampled_from(["float64", "float32", "int64"]),
    "method": st.sampled_from(["auto", "im2col", "fft", "loop"]), "seed": st.integers(0, 2**16),
    "tuples": st.booleans(),
})


def _call(c):
    """The call ``c`` describes, (x, w, bias, kwargs), or None if the kernel does not fit."""
    if (c["size"] + 2 * c["padding"]) < c["dilation"] * (c["k"] - 1) + 1 or (c["unbatched"] and c["n"] != 1):
        return None
    rng = np.random.default_rng(c["seed"])
    c_in, c_out = c["c_in_g"] * c["groups"], c["c_out_g"] * c["groups"]
    draw = (lambda shape: rng.integers(-9, 10, shape)) if c["dtype"] == "int64" else \
        (lambda shape: rng.standard_normal(shape).astype(c["dtype"]))
    x = draw((c["n"], c_in, c["size"]))
    x = x[0] if c["unbatched"] else x
    w, bias = draw((c_out, c["c_in_g"], c["k"])), draw((c_out,)) if c["bias"] else None
    kwargs = {name: c[name] for name in ("stride", "padding", "dilation", "groups", "method")}
    if c["tuples"]:
        kwargs.update(stride=(c["stride"],), padding=((c["padding"], c["padding"]),), dilation=(c["dilation"],))
    return x, w, bias, kwargs


def _torch(torch, x, w, bias, kwargs):
    tensor = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))  # noqa: E731
    one = lambda v: v if isinstance(v, int) else v[0] if isinstance(v[0], int) else v[0][0]  # noqa: E731
    return torch.nn.functional.conv1d(tensor(x), tensor(w), tensor(bias), one(kwargs["stride"]),
                                      one(kwargs["padding"]), one(kwargs["dilation"]), kwargs["groups"]).numpy()


def _agrees(y, expected, x, w, dtype, fan_in) -> bool:
    if y.shape != expected.shape:
        return False
    if np.dtype(dtype).kind == "i":            # exact: |sums| < 2**53, so torch's float64 is exact too
        return y.dtype == np.int64 and np.array_equal(y, expected)
    tol = tolerance("fft", dtype, error_bound(x, w), fan_in, max(np.shape(x)[-1], 2))  # the wider of the two
    return bool(np.all(np.abs(y - expected) <= tol))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(c=layer_calls)
def test_first_and_repeated_calls_agree_with_torch(c):
    torch = require("torch", "the oracle of the layer call")
    call = _call(c)
    if call is None:
        return
    x, w, bias, kwargs = call
    expected = _torch(torch, x, w, bias, kwargs)
    for _ in range(2):                          # the second call is answered from the caches
        y = convlab.conv1d(x, w, bias, **kwargs)
        assert _agrees(y, expected, x, w, c["dtype"], c["c_in_g"] * c["k"])


def test_the_check_catches_a_cache_entry_for_the_wrong_signature():
    """The comparison above can fail: a cache entry that answers a stride-1 call with the
    geometry of stride 2 (what a key missing the stride would do) is caught."""
    torch = require("torch", "the oracle of the layer call")
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 2, 11)), rng.standard_normal((3, 2, 3))
    kwargs = {"stride": 1, "padding": 1, "dilation": 1, "groups": 1, "method": "im2col"}
    expected = _torch(torch, x, w, None, kwargs)
    assert _agrees(convlab.conv1d(x, w, **kwargs), expected, x, w, "float64", 6)
    convlab.conv1d(x, w, **kwargs)
    key = next(key for key in layers._prepared if key[1] == x.shape and key[3] == w.shape and key[6:] ==
               (1, 1, 1, 1, "zeros", "im2col"))
    for _ in range(2):                          # the entry of stride 2, from an honest call
        convlab.explain_method(x, w, stride=2, padding=1, method="im2col")
    wrong_key = key[:6] + (2,) + key[7:]
    with mock.patch.dict(layers._prepared, {key: layers._prepared[wrong_key]}):
        assert not _agrees(convlab.conv1d(x, w, **kwargs), expected, x, w, "float64", 6)
    assert _agrees(convlab.conv1d(x, w, **kwargs), expected, x, w, "float64", 6)
