"""ex-06-1 (chapter 6): convlab.check catches an FFT correlation whose inverse transform
forgets its length (``np.fft.irfft`` without ``n``), and passes the fixed one."""

import numpy as np

import convlab


def buggy_fft_correlate(x, w):
    size = len(x) + len(w) - 1
    spectrum = np.fft.rfft(x, size) * np.fft.rfft(w[::-1], size)
    return np.fft.irfft(spectrum)[len(w) - 1 : len(x)]          # the bug: no n=size


def fixed_fft_correlate(x, w):
    size = len(x) + len(w) - 1
    spectrum = np.fft.rfft(x, size) * np.fft.rfft(w[::-1], size)
    return np.fft.irfft(spectrum, size)[len(w) - 1 : len(x)]


def test_the_grader_fails_the_missing_length_exactly_where_the_length_is_odd():
    lengths = []

    def spy(x, w):
        lengths.append(len(x) + len(w) - 1)
        return buggy_fft_correlate(x, w)

    result = convlab.check(spy, "correlate")
    assert not result.ok
    failed = {f.label for f in result.failures}
    assert len(failed) == sum(size % 2 == 1 for size in lengths) > 0   # odd n + k - 1 fail
    assert len(failed) < result.total                                  # even ones pass


def test_the_grader_passes_the_fixed_fft_correlation():
    assert convlab.check(fixed_fft_correlate, "correlate", forbid="convlab").ok
    assert convlab.check(fixed_fft_correlate, "correlate", n_random=50, seed=3).ok
