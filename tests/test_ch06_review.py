"""Checks behind chapter 6's claims that its expert read added or relies on.

* ex-06-3: a full correlation by FFTs of length n (no padding) fails exactly the grader's cases
  with k > 1, and the padded one passes (the chapter asserts the first on every run).
* The accuracy section's reading of the precision rule: a 1-D float32 correlation is transformed
  in double up to n = 2**16 // 3, and the batch ``float32_batch(n)`` is the smallest that makes
  ``fft`` transform in float32 (``fft_points`` counts 2N + 1 rows of n). If the engine's rule
  changes, the chapter's prose and its ``float32_batch`` must follow.
"""

from __future__ import annotations

import numpy as np
import pytest

import convlab
from convlab._engine import compute_dtype
from convlab._validate import prepare_conv


def _fft_correlate_full(x, w, pad=True):
    n, k = len(x), len(w)
    size = n + k - 1 if pad else n
    spectrum = np.fft.rfft(x, size) * np.fft.rfft(w[::-1], size)
    return np.fft.irfft(spectrum, size)


def test_unpadded_full_fft_fails_exactly_the_cases_with_a_tail():
    tried = []

    def unpadded(x, w):
        tried.append(len(w))
        return _fft_correlate_full(x, w, pad=False)

    result = convlab.check(unpadded, "correlate", mode="full")
    failing = [len(f.args[1]) for f in result.failures]
    assert failing and all(k > 1 for k in failing)
    assert len(failing) == sum(k > 1 for k in tried)
    assert not convlab.check(_fft_correlate_full, "correlate", mode="full").failures


def _dtype(n, batch=1, k=65):
    problem, _ = prepare_conv(np.ones((batch, 1, n), np.float32), np.ones((1, 1, k), np.float32),
                              None, nd=1, stride=1, padding=0, dilation=1, groups=1,
                              padding_mode="zeros", method="fft")
    return compute_dtype(problem, "fft")


def _float32_batch(n):  # as in the chapter's accuracy cell
    return max(1, (2**16 // n - 1) // 2 + 1)


def test_single_precision_fft_in_double_up_to_a_third_of_2_16():
    assert _dtype(2**16 // 3) == np.float64
    assert _dtype(2**16 // 3 + 1) == np.float32


@pytest.mark.parametrize("n", [128, 512, 2048, 8192])
def test_float32_batch_is_the_smallest_that_switches(n):
    batch = _float32_batch(n)
    assert _dtype(n, batch) == np.float32
    assert _dtype(n, batch - 1) == np.float64


def test_a_wrong_batch_rule_is_caught():
    # a rule that forgets the output rows, N * n > 2**16, gives batches that switch but are not
    # the smallest: the minimality check above fails on it
    def forgets_outputs(n):
        return 2**16 // n + 1

    assert all(_dtype(n, forgets_outputs(n)) == np.float32 for n in (128, 512, 2048, 8192))
    assert any(_dtype(n, forgets_outputs(n) - 1) == np.float32 for n in (128, 512, 2048, 8192))
