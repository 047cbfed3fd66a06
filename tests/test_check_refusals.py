"""convlab.check grades refusals: an impossible layer must raise ValueError (issue 21)."""

import numpy as np
import pytest

import convlab

OPTIONS = [dict(stride=s, padding=p, dilation=d) for s in (1, 2, 3) for p in (0, 1, 2) for d in (1, 2)]


def size_returning_numbers(n, k, stride=1, padding=0, dilation=1):
    # the formula, unguarded: a number (<= 0) for a kernel that does not fit
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def size_refusing(n, k, stride=1, padding=0, dilation=1):
    n_out = size_returning_numbers(n, k, stride, padding, dilation)
    if n_out < 1:
        raise ValueError(f"kernel too large: {k=} with {dilation=} does not fit {n=} padded by {padding}")
    return n_out


def size_clamped(n, k, stride=1, padding=0, dilation=1):
    return max(size_returning_numbers(n, k, stride, padding, dilation), 0)


def size_wrong_exception(n, k, stride=1, padding=0, dilation=1):
    n_out = size_returning_numbers(n, k, stride, padding, dilation)
    if n_out < 1:
        raise IndexError("no window")
    return n_out


def test_output_size_grader_fails_a_function_that_returns_numbers_for_impossible_layers():
    result = convlab.check(size_returning_numbers, "output_size", pass_options=True, over=OPTIONS)
    assert not result.ok
    impossible = [f for f in result.failures]
    assert impossible and all("must raise ValueError" in f.why for f in impossible)
    first = impossible[0]
    assert first.label.startswith("stride=1, padding=0, dilation=1: kernel") and "impossible unpadded" in first.label
    assert "returned 0" in first.why or "returned -" in first.why
    assert "must raise ValueError" in " ".join(repr(result).split())


def test_output_size_grader_fails_clamping_to_zero_and_the_wrong_exception():
    assert not convlab.check(size_clamped, "output_size", pass_options=True, over=OPTIONS).ok
    result = convlab.check(size_wrong_exception, "output_size", pass_options=True, over=OPTIONS)
    assert not result.ok and "raised IndexError" in result.failures[0].why


def test_output_size_grader_passes_a_function_that_refuses():
    result = convlab.check(size_refusing, "output_size", pass_options=True, over=OPTIONS)
    assert result.ok
    assert convlab.check(convlab.output_size, "output_size", pass_options=True, over=OPTIONS).ok


def test_impossible_cases_are_counted_without_options():
    refusals = ["kernel one longer than the input (impossible unpadded)",
                "kernel much longer than the input (impossible unpadded)"]
    result = convlab.check(size_returning_numbers, "output_size")
    assert sorted(f.label for f in result.failures) == sorted(refusals)


def _layer(x, w, stride=1, padding=0, dilation=1):
    xp = np.concatenate([np.zeros(padding), x, np.zeros(padding)])
    span = dilation * (len(w) - 1) + 1
    n_out = (len(xp) - span) // stride + 1
    return np.array([xp[i * stride: i * stride + span: dilation] @ w for i in range(max(n_out, 0))])


def _layer_refusing(x, w, stride=1, padding=0, dilation=1):
    if dilation * (len(w) - 1) + 1 > len(x) + 2 * padding:
        raise ValueError("kernel too large")
    return _layer(x, w, stride, padding, dilation)


@pytest.mark.parametrize("dilation", [2, 3])
def test_single_layer_grader_requires_a_refusal_where_the_dilated_kernel_does_not_fit(dilation):
    result = convlab.check(_layer, "conv1d_single", pass_options=True, dilation=dilation)
    assert not result.ok and all("kernel does not fit" in f.why for f in result.failures)
    assert convlab.check(_layer_refusing, "conv1d_single", pass_options=True, dilation=dilation).ok


def test_invalid_options_are_refused_not_graded_as_refusals():
    # a stride of 0 is a bad option, not an impossible layer: the check refuses it by name
    with pytest.raises(ValueError, match="stride must be a positive int; got 0"):
        convlab.check(size_refusing, "output_size", stride=0, pass_options=True)
