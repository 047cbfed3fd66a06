"""Chapter 7's output-length check (issue 21, expert read): the length of a transposed convolution
is counted from the scatter in plain Python, not asked of convlab (which sizes its result with the
same formula it would be checked against). The count agrees with PyTorch, and the chapter's check
catches layers sized by a wrong formula."""

import itertools

import numpy as np
import pytest
from support import require

import convlab

LAYERS = [
    (n, k, s, p, d, q)
    for n, k, s, p, d in itertools.product(range(1, 6), range(1, 5), range(1, 4), range(3), range(1, 3))
    for q in range(max(s, d))
]


def scatter_length(n, k, s, p, d, q):
    """The chapter's count: the last cell a kernel copy reaches, plus one, plus p_out, minus 2p."""
    last = max(m * s + a * d for m in range(n) for a in range(k))
    return last + 1 + q - 2 * p


def shape_check(layer) -> list:
    """The chapter's check on 1-D layers: the returned length is the count, and a layer whose count
    is below one cell is refused with ValueError. Returns the layers where ``layer`` disagrees."""
    wrong = []
    for n, k, s, p, d, q in LAYERS:
        counted = scatter_length(n, k, s, p, d, q)
        try:
            got = layer(np.zeros((1, 1, n)), np.zeros((1, 1, k)), stride=s, padding=p, dilation=d,
                        output_padding=q).shape[-1]
        except ValueError:
            got = None
        if (counted < 1 and got is not None) or (counted >= 1 and got != counted):
            wrong.append((n, k, s, p, d, q))
    return wrong


def test_the_count_is_torchs_length_and_refusals():
    torch = require("torch", "torch is the oracle for conv_transpose1d's output length")
    for n, k, s, p, d, q in LAYERS:
        counted = scatter_length(n, k, s, p, d, q)
        try:
            length = torch.nn.functional.conv_transpose1d(
                torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d,
                output_padding=q).shape[-1]
        except RuntimeError:
            length = None
        if counted < 1:
            assert length in (None, 0), (n, k, s, p, d, q)
        else:
            assert length == counted, (n, k, s, p, d, q)


def test_convlab_passes_the_check():
    assert shape_check(convlab.conv_transpose1d) == []


def _sized_by(size):
    """A wrong 'layer': zeros of the length a given formula says, refusing only non-positive ones."""
    def layer(x, w, stride, padding, dilation, output_padding):
        n_out = size(x.shape[-1], w.shape[-1], stride, padding, dilation, output_padding)
        if n_out < 1:
            raise ValueError("no output")
        return np.zeros((1, 1, n_out))
    return layer


@pytest.mark.parametrize("size", [
    lambda n, k, s, p, d, q: (n - 1) * s + k - 2 * p + q,                 # forgets the dilation
    lambda n, k, s, p, d, q: (n - 1) * s + d * (k - 1) + 1 - 2 * p,       # forgets output_padding
    lambda n, k, s, p, d, q: (n - 1) * s + d * (k - 1) + 1 - p + q,       # crops one side only
    lambda n, k, s, p, d, q: n * s + d * (k - 1) + 1 - 2 * p + q,         # n copies, not n - 1 steps
], ids=["no dilation", "no output_padding", "one-sided crop", "n instead of n - 1"])
def test_the_check_catches_a_wrongly_sized_layer(size):
    assert shape_check(_sized_by(size))


def test_the_check_catches_a_layer_that_refuses_nothing():
    def clamped(x, w, **options):
        try:
            return convlab.conv_transpose1d(x, w, **options)
        except ValueError:
            return np.zeros((1, 1, 1))
    assert shape_check(clamped)
