"""Chapter 1's expert read (issue 21): the new checks can fail.

ex-conv1d-4 (b) checks the leftover count ``(n + 2p - d(k-1) - 1) mod s``
against window positions listed one by one; the flip check compares
convlab's correlation with NumPy's convolution by the flipped taps. Both
are rerun here with deliberately wrong versions, which they must catch.
"""

from __future__ import annotations

import numpy as np
import pytest

import convlab


def leftover(n, k, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) % stride


def forgot_dilation(n, k, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - (k - 1) - 1) % stride


def off_by_one(n, k, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (k - 1)) % stride


def one_side_padding(n, k, stride=1, padding=0, dilation=1):
    return (n + padding - dilation * (k - 1) - 1) % stride


def mismatches(rule) -> int:
    """The chapter's check: samples after the last window, listed, against ``rule``."""
    wrong = 0
    for n in range(1, 16):
        for k in range(1, 6):
            for s, p, d in np.ndindex(5, 3, 3):
                s, d = s + 1, d + 1
                padded = n + 2 * p
                ends = [start + d * (k - 1) for start in range(0, padded, s) if start + d * (k - 1) < padded]
                if ends and padded - 1 - ends[-1] != rule(n, k, s, p, d):
                    wrong += 1
    return wrong


def test_the_leftover_formula_passes_the_window_listing():
    assert mismatches(leftover) == 0
    assert leftover(10, 3, stride=4, padding=1) == 1 and leftover(10, 3, stride=4) == 3


@pytest.mark.parametrize("wrong", [forgot_dilation, off_by_one, one_side_padding])
def test_the_window_listing_catches_wrong_leftover_formulas(wrong):
    assert mismatches(wrong) > 0


def test_correlation_against_numpy_convolution_catches_a_missing_flip():
    rng = np.random.default_rng(0)
    x, taps = rng.standard_normal(200), rng.standard_normal(14)
    right = np.convolve(x, taps[::-1], mode="valid")
    assert np.abs(convlab.correlate(x, taps) - right).max() < 1e-12
    unflipped = np.convolve(x, taps, mode="valid")  # the wrong claim: correlating = convolving
    assert np.abs(convlab.correlate(x, taps) - unflipped).max() > 0.1
