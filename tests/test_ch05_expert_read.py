"""Checks added to chapter 5 by its expert read, each shown to catch a deliberately wrong version."""

import numpy as np
import pytest
import sympy

import convlab
from convlab import receptive
from convlab.symbolic import conv_macs, conv_params, dense_macs, dense_params

C_i, C_o, H, W, k = sympy.symbols("C_in C_out H W k", integer=True, positive=True)

# the hand counts of the chapter's bullets (dense, same-size convolution, no biases)
HAND = {
    "dense parameters": (C_i * H * W) * (C_o * H * W),
    "conv parameters": C_o * C_i * k**2,
    "dense multiply-adds": C_i * C_o * H**2 * W**2,
    "conv multiply-adds": (C_o * H * W) * (C_i * k**2),
}


def _mismatches(counts):
    """Names of the counts that differ from the hand counts (the chapter's assertion)."""
    return [name for name, f in counts.items() if sympy.simplify(f() - HAND[name]) != 0]


def _convlab_counts(conv_macs_fn=conv_macs):
    return {
        "dense parameters": lambda: dense_params(C_i * H * W, C_o * H * W, bias=False),
        "conv parameters": lambda: conv_params(C_i, C_o, (k, k), bias=False),
        "dense multiply-adds": lambda: dense_macs(C_i * H * W, C_o * H * W),
        "conv multiply-adds": lambda: conv_macs_fn(C_i, C_o, (k, k), (H, W)),
    }


def test_hand_counts_match_convlab_and_catch_a_wrong_count():
    assert _mismatches(_convlab_counts()) == []
    # a multiply-add count that forgets the input channels is caught
    def forgets_c_in(c_in, c_out, kernel, out):
        return conv_macs(1, c_out, kernel, out)
    assert _mismatches(_convlab_counts(forgets_c_in)) == ["conv multiply-adds"]
    ratio = sympy.simplify(HAND["dense multiply-adds"] / HAND["conv multiply-adds"])
    assert ratio == H * W / k**2


def _reached(stack):
    m = receptive.measure(stack)
    return receptive.cone(stack, m.size + m.jump, unit=0)[0][: m.size]


def test_span_counts_holes_and_the_reached_count_finds_them():
    stack = [(5, 3, 2), (4, 2), 1]
    assert receptive.measure(stack).size == 18
    reached = _reached(stack)
    assert np.flatnonzero(~reached).tolist() == [1, 16]
    # brute force over every path: offsets u*s + a*d from the top unit down
    units = {0}
    for kk, s, d in reversed([(5, 3, 2), (4, 2, 1), (1, 1, 1)]):
        units = {u * s + a * d for u in units for a in range(kk)}
    assert sorted(units) == np.flatnonzero(reached).tolist()
    # "size = number of inputs reached" would be wrong here
    assert reached.sum() != receptive.measure(stack).size


@pytest.mark.parametrize("n_layers", [1, 4, 7])
def test_dilation_and_stride_two_give_the_same_field(n_layers):
    dilated = receptive.measure([(3, 1, 2**l) for l in range(n_layers)]).size
    strided = receptive.measure([(3, 2)] * n_layers).size
    assert dilated == strided == 2 ** (n_layers + 1) - 1
    # with stride 3 the strided stack grows faster: the comparison can fail
    assert receptive.measure([(3, 3)] * n_layers).size != dilated or n_layers == 1


def test_odd_shift_of_a_stride_two_layer_matches_no_output_shift():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(32), rng.standard_normal(5)
    circular = dict(padding=2, padding_mode="circular", stride=2)

    def layer(v):
        return convlab.conv1d(v[None], w[None, None], **circular)

    y = layer(x)

    def closest(t):
        return min(np.abs(layer(np.roll(x, t)) - np.roll(y, u, -1)).max() for u in range(y.shape[-1]))

    assert closest(2) < 1e-12 and closest(4) < 1e-12
    assert min(closest(t) for t in (1, 3, 5)) > 0.5
    # a stride-1 layer matches every shift: the check tells the two apart
    def layer1(v):
        return convlab.conv1d(v[None], w[None, None], padding=2, padding_mode="circular")
    assert np.abs(layer1(np.roll(x, 3)) - np.roll(layer1(x), 3, -1)).max() < 1e-12
