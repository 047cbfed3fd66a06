"""convlab.correlation_lags against scipy.signal.correlation_lags, and against what the
correlations themselves compute (a delta moved by d peaks at lag d), with bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import require

import convlab

MODES = ("full", "same", "valid")
LENGTHS = st.integers(1, 200)


@given(in1_len=LENGTHS, in2_len=LENGTHS, mode=st.sampled_from(MODES))
def test_correlation_lags_match_scipy(in1_len, in2_len, mode):
    signal = require("scipy.signal", "scipy.signal.correlation_lags is the oracle")
    got = convlab.correlation_lags(in1_len, in2_len, mode)
    want = signal.correlation_lags(in1_len, in2_len, mode)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)


def test_default_mode_is_full_and_lengths_may_be_numpy_ints():
    np.testing.assert_array_equal(convlab.correlation_lags(np.int32(3), np.uint8(2)), [-1, 0, 1, 2])


def delta_correlations(correlate, n1, n2, mode):
    """For every pair of unit impulses (x at p, y at q), the index where correlate(x, y) holds
    the 1: the lag p - q measured there (None if no output holds it)."""
    seen = {}
    for p in range(n1):
        for q in range(n2):
            x, y = np.zeros(n1), np.zeros(n2)
            x[p], y[q] = 1.0, 1.0
            z = correlate(x, y, mode)
            hits = np.flatnonzero(z == 1.0)
            seen[(p, q)] = int(hits[0]) if hits.size else None
    return seen


def lag_errors(lags, seen):
    """The (p, q) whose impulse landed at an index whose lag is not p - q."""
    return [(p, q) for (p, q), k in seen.items() if k is not None and lags[k] != p - q]


@pytest.mark.parametrize("n1, n2", [(n1, n2) for n1 in range(1, 7) for n2 in range(1, 7)])
def test_lags_are_the_displacements_convlab_correlate_measures(n1, n2):
    """full and valid always; same where scipy's window agrees with correlate's (see Notes)."""
    for mode in MODES:
        if mode == "valid" and n2 > n1:
            continue                                  # convlab.correlate refuses it (scipy swaps)
        lags = convlab.correlation_lags(n1, n2, mode)
        seen = delta_correlations(convlab.correlate, n1, n2, mode)
        assert len(lags) == convlab.correlate(np.ones(n1), np.ones(n2), mode).size
        errors = lag_errors(lags, seen)
        if mode == "same" and n1 % 2 == 1 and n2 % 2 == 0:
            # the Notes: scipy's lags here are one more than the lag of each output, which is
            # correlation_lags(n1, n2)[(n2 - 1) // 2 + k]
            assert errors, "the documented disagreement should be seen"
            np.testing.assert_array_equal(lags - 1, convlab.correlation_lags(n1, n2)[(n2 - 1) // 2:][:n1])
            assert lag_errors(lags - 1, seen) == []
        else:
            assert errors == []


def test_valid_lags_of_a_longer_second_signal_are_scipys_swapped_correlation():
    signal = require("scipy.signal", "scipy.signal.correlate swaps the inputs in valid mode")
    lags = convlab.correlation_lags(3, 6, "valid")
    assert lag_errors(lags, delta_correlations(signal.correlate, 3, 6, "valid")) == []


def test_the_delta_check_catches_lags_of_the_wrong_sign():
    """lags = q - p (the convolution's displacement, a common slip) fails the check."""
    seen = delta_correlations(convlab.correlate, 4, 3, "full")
    assert lag_errors(convlab.correlation_lags(4, 3), seen) == []
    wrong = -convlab.correlation_lags(4, 3)                 # -(p - q) at each index
    assert lag_errors(wrong, seen) != []


@pytest.mark.parametrize("args, error, match", [
    ((0, 3), ValueError, r"in1_len must be a positive int; got 0"),
    ((3, -1), ValueError, r"in2_len must be a positive int; got -1"),
    ((3.0, 3), TypeError, r"in1_len must be a positive int; got 3\.0 of type float"),
    ((3, True), TypeError, r"in2_len must be a positive int; got True"),
    ((3, 3, "middle"), ValueError, r"mode must be one of \('valid', 'same', 'full'\); got 'middle'"),
    ((3, 3, None), TypeError, r"mode must be one of .*got None"),
])
def test_correlation_lags_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        convlab.correlation_lags(*args)
