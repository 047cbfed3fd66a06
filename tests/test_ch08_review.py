"""Chapter 8's expert read: the checks the chapter now makes can fail.

- the PyTorch comparison's weight tolerance (tests/test_learn.py) is absolute only: with numpy's
  default rtol=1e-7 weights off by a relative 5e-8 (~1e-7 for weights of size ~2) would pass;
- ex-08-hand's rule (stride s gives every input away from the ends the same number of terms exactly
  when s divides k), counted by plain loops, rejects wrong rules;
- the pooling section's tie count finds a window whose maximum is held twice.
"""

from __future__ import annotations

import numpy as np
import pytest


def _even_inside(s: int, k: int) -> bool:
    """Whether every input away from the ends is read by the same number of windows (plain loops)."""
    n = 6 * s + k
    reads = [0] * n
    for start in range(0, n - k + 1, s):
        for a in range(k):
            reads[start + a] += 1
    inside = reads[k:n - k]
    return min(inside) == max(inside)


def _rule_holds(rule) -> bool:
    return all(_even_inside(s, k) == rule(s, k) for s in (2, 3) for k in range(2, 8))


def test_even_counts_exactly_when_stride_divides_kernel():
    assert _rule_holds(lambda s, k: k % s == 0)


@pytest.mark.parametrize("wrong", [lambda s, k: k % 2 == 0,      # "even kernels" (true for s = 2 only)
                                   lambda s, k: k >= s,           # "kernel at least the stride"
                                   lambda s, k: True])            # "always"
def test_wrong_count_rules_fail(wrong):
    assert not _rule_holds(wrong)


def _tied_windows(x: np.ndarray, k: int, s: int) -> int:
    windows = [x[i:i + k, j:j + k] for i in range(0, x.shape[0] - k + 1, s)
               for j in range(0, x.shape[1] - k + 1, s)]
    return sum(int(np.count_nonzero(w == w.max()) > 1) for w in windows)


def test_tie_count_finds_a_repeated_maximum():
    x_pool = np.array([[1, 5, 2, 0, 3], [0, 3, 4, 1, 1], [2, 1, 0, 6, 2], [3, 2, 1, 3, 0],
                       [1, 0, 2, 2, 5]], dtype=float)
    assert all(_tied_windows(x_pool, k, s) == 0 for k, s in [(2, 2), (3, 2), (3, 1)])
    tied = x_pool.copy()
    tied[1, 0] = 5.0                                  # the first 2x2 window now holds 5 twice
    assert _tied_windows(tied, 2, 2) == 1


def test_absolute_weight_tolerance_rejects_what_the_default_rtol_accepts():
    w = np.random.default_rng(0).standard_normal((8, 1, 3, 3))
    off = w * (1 + 5e-8)                              # a wrong implementation, up to ~1e-7 away
    np.testing.assert_allclose(off, w, atol=1e-10)    # the old check: passes (rtol=1e-7 by default)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(off, w, atol=1e-10, rtol=0)
