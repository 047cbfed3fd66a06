"""Chapter 4, expert read: the new checks, each shown to catch a deliberately wrong version."""

import matplotlib
import numpy as np
import pytest
import sympy

import convlab
from convlab.symbolic import conv_macs
from convlab.viz import channels

matplotlib.use("Agg")


# ex-04-4: every case's outcome sorted by (C_in, C_out) -------------------------------------------------------

def _buggy(x, w):
    c_out, _, kh, kw = w.shape
    h_out, w_out = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    y = np.zeros((x.shape[0], c_out, h_out, w_out))
    for a, b in np.ndindex(kh, kw):
        y += np.einsum("nchw,co->nohw", x[:, :, a:a + h_out, b:b + w_out], w[:, :, a, b])
    return y


def _outcomes(fn):
    """(C_in, C_out) -> the outcomes of the grader's cases, as the chapter's cell collects them."""
    tried = []

    def recording(x, w):
        tried.append((x.shape[1], w.shape[0]))
        return fn(x, w)

    graded = convlab.check(recording, "conv2d")
    outcome = {}
    for f in graded.failures:
        pair = (f.args[0].shape[1], f.args[1].shape[0])
        outcome.setdefault(pair, []).append("crashes" if f.why.startswith("raised") else "wrong values")
    for pair in set(tried):
        outcome.setdefault(pair, []).extend(["right"] * (tried.count(pair) - len(outcome.get(pair, []))))
    return outcome


def _predicted(c_in, c_out):
    if c_in == c_out:
        return "right" if c_in == 1 else "wrong values"
    if c_in == 1:
        return "wrong values"
    return "crashes"


def _agrees(outcome, predict):
    return all(set(kinds) == {predict(*pair)} for pair, kinds in outcome.items())


def test_ex_04_4_kinds_match_the_solution_and_catch_the_old_reading():
    outcome = _outcomes(_buggy)
    assert _agrees(outcome, _predicted)
    assert {(3, 1)} <= set(outcome) and {(1, 2), (2, 3)} <= set(outcome)   # every kind is graded

    def old_reading(c_in, c_out):   # "C_out = 1 quietly computes something else"
        return "wrong values" if c_out == 1 < c_in else _predicted(c_in, c_out)

    assert not _agrees(outcome, old_reading)


# the separable layer's multiply-add ratio ------------------------------------------------------------------

def test_separable_macs_ratio_check_catches_a_wrong_ratio():
    c_in, c_out, k, h, w = sympy.symbols("C_in C_out k H_out W_out", positive=True, integer=True)
    size = (h, w)
    macs_ratio = (conv_macs(c_in, c_in, (k, k), size, groups=c_in) + conv_macs(c_in, c_out, (1, 1), size)
                  ) / conv_macs(c_in, c_out, (k, k), size)
    assert sympy.simplify(macs_ratio - (1 / k**2 + 1 / c_out)) == 0
    assert sympy.simplify(macs_ratio - (1 / k**2 + 1 / c_in)) != 0


# the parameter table: the weight must be one convlab accepts -------------------------------------------------

def test_parameter_table_rejects_a_weight_without_the_groups():
    c_in, c_out, k, groups = 64, 128, 3, 4
    convlab.conv2d(np.zeros((c_in, k, k)), np.zeros((c_out, c_in // groups, k, k)), np.zeros(c_out),
                   groups=groups)
    with pytest.raises(ValueError, match="channel mismatch"):
        convlab.conv2d(np.zeros((c_in, k, k)), np.zeros((c_out, c_in, k, k)), np.zeros(c_out), groups=groups)


# the shapes figure writes the notation page's upright subscripts ----------------------------------------------

def test_conv_shapes_labels_upright_subscripts():
    fig = channels.conv_shapes((3, 6, 6), (4, 3, 3, 3))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert r"H_{\mathrm{out}}" in texts and r"C_{\mathrm{in}}" in texts
    assert "C_{out}" not in texts and "C_{in}" not in texts
