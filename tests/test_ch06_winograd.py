"""Checks behind chapter 6's section on Winograd's minimal filtering, made another way than the
chapter makes them, and the package doors it goes through.

* The multiplication counts of F(m x m, 3 x 3): counted here in the products of a symbolic tile run
  through the package's matrices, set beside the reductions 9 m^2 / alpha^2 (2.25, 4.00, 5.06; the
  factor 4 of F(4x4, 3x3) is the one Lavin & Gray state); a wrong count formula (alpha^2 / m
  instead of alpha^2 / m^2) is shown to miss them.
* F(2, 3): the chapter's matrices (evaluation at 0, +-1, infinity, transposed) and the package's are
  Lavin & Gray's published ones up to the scaling freedom, compared as the rank-one terms
  A^T[:, v] (x) G[v, :] (x) B^T[v, :], which no diagonal scaling changes; a transform with a row of
  B^T scaled without G's is shown to be caught.
* The accuracy ordering the chapter asserts (the errors in the order of kappa), measured here on the
  photograph against scipy in float32; kappa an upper bound that no input reaches (the largest sum
  of |terms| over the corners of the box, by brute force in exact rationals, is 5 for F(2, 3)
  against kappa = 8), and a "bound" without the absolute values shown not to be one.
* Where the halves of F(2, 3) sit: in B^T as constructed, in G after convlab's scaling D; F(3, 2)'s
  G and A^T are F(2, 3)'s A^T and G transposed.
* The summary table's row: alpha / m = 1.5 products per output in 1-D, 2.25 in 2-D, and the method
  refuses a stride or a dilation of 2.
* The grader's ``kernel_size`` option for ``correlate``/``convolve`` (ex-06-7), the public
  ``convlab.symbolic.winograd_transforms`` and ``convlab.sweeps.winograd_split``.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import scipy.signal
import sympy

import convlab
from convlab.methods import winograd
from convlab.sweeps import winograd_split
from convlab.symbolic import symbols_array, winograd_transforms

HALF = sympy.Rational(1, 2)
POINTS = {2: (0, 1, -1), 4: (0, 1, -1, HALF, -2), 6: (0, 1, -1, 2, -2, HALF, -HALF)}
# 9 m^2 / alpha^2 to two decimals: 81/36, 144/36, 324/64 (Lavin & Gray state the factor 4 of m = 4)
REDUCTIONS = {2: 2.25, 4: 4.00, 6: 5.06}

# Lavin & Gray's F(2, 3), as printed in their paper
LG_AT = sympy.Matrix([[1, 1, 1, 0], [0, 1, -1, -1]])
LG_G = sympy.Matrix([[1, 0, 0], [HALF, HALF, HALF], [HALF, -HALF, HALF], [0, 0, 1]])
LG_BT = sympy.Matrix([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])


def _products_of_tile(at, g, bt):
    """The weight-by-input products of F(m x m, 3 x 3) on a symbolic tile, and the tile's outputs."""
    t = bt.shape[0]
    x = sympy.Matrix(symbols_array("x", (t, t), start=0))
    w = sympy.Matrix(symbols_array("w", (3, 3), start=0))
    prods = (g * w * g.T).multiply_elementwise(bt * x * bt.T)
    return prods, at * prods * at.T, x, w


def _mixed(term, weights, inputs):
    factors = [f.free_symbols for f in sympy.Mul.make_args(term)]
    return any(s and s <= weights for s in factors) and any(s and s <= inputs for s in factors)


@pytest.mark.parametrize("m", [2, 4])
def test_products_per_output_counted_on_symbols_give_the_reductions(m):
    prods, y, x, w = _products_of_tile(*winograd_transforms(m, points=POINTS[m]))
    count = sum(_mixed(p, set(w), set(x)) for p in prods if p != 0)
    assert count == (m + 2) ** 2
    direct = convlab.conv2d(np.array(x)[None, None], np.array(w)[None, None], method="loop")[0, 0]
    assert all(sympy.expand(a - b) == 0 for a, b in zip(y, direct.ravel()))
    assert round(9 * m * m / count, 2) == REDUCTIONS[m]


def test_reductions_from_the_generated_shapes_and_a_wrong_formula_misses_them():
    def reduction(mats, per_output):
        at, _, bt = mats
        m, t = at.shape[0], bt.shape[0]
        return 9 / per_output(t, m)

    right = {m: reduction(winograd_transforms(m, points=p), lambda t, m: t * t / (m * m))
             for m, p in POINTS.items()}
    assert {m: round(v, 2) for m, v in right.items()} == REDUCTIONS
    wrong = {m: reduction(winograd_transforms(m, points=p), lambda t, m: t * t / m)
             for m, p in POINTS.items()}
    assert {m: round(v, 2) for m, v in wrong.items()} != REDUCTIONS


def _terms(at, g, bt):
    """The rank-one terms A^T[:, v] (x) G[v, :] (x) B^T[v, :] as sorted tuples: what a transform
    computes, whatever the diagonal scaling and the order of the points."""
    terms = []
    for v in range(bt.shape[0]):
        outer = [a * b * c for a in at.col(v) for b in g.row(v) for c in bt.row(v)]
        terms.append(tuple(outer))
    return sorted(terms, key=str)


def _chapter_f23():
    """The chapter's construction: evaluation matrices at 0, 1, -1 and infinity, transposed."""
    def evaluation(columns):
        rows = [[sympy.Integer(p) ** j for j in range(columns)] for p in (0, 1, -1)]
        return sympy.Matrix(rows + [[0] * (columns - 1) + [1]])
    e_h, e_w, e = evaluation(2), evaluation(3), evaluation(4)
    return e_h.T, e_w, e.inv().T


def test_chapter_and_package_f23_are_lavin_and_grays_up_to_scaling():
    published = _terms(LG_AT, LG_G, LG_BT)
    assert _terms(*_chapter_f23()) == published
    assert _terms(*winograd_transforms(2)) == published


def test_a_transform_scaled_on_one_side_only_is_caught():
    at, g, bt = _chapter_f23()
    broken_bt = bt.copy()
    broken_bt[1, :] = 2 * broken_bt[1, :]                 # the 1/2 of row 1 lost
    assert _terms(at, g, broken_bt) != _terms(LG_AT, LG_G, LG_BT)
    x, w = symbols_array("x", 4, start=0), symbols_array("w", 3, start=0)
    y = at * (g * sympy.Matrix(w)).multiply_elementwise(broken_bt * sympy.Matrix(x))
    assert any(sympy.expand(a - b) != 0 for a, b in zip(y, convlab.correlate(x, w)))


def _tiled(x, w, at, g, bt):
    m, t = at.shape
    tiles = np.lib.stride_tricks.sliding_window_view(x, (t, t))[::m, ::m]
    out = at @ ((g @ w @ g.T) * (bt @ tiles @ bt.T)) @ at.T
    return out.transpose(0, 2, 1, 3).reshape(out.shape[0] * m, out.shape[1] * m)


def _float32_errors(sets):
    photo = convlab.data.grace_hopper(gray=True)[:482, :482]
    taps = np.arange(-1.0, 2.0)
    smooth = np.exp(-taps**2 / 2)
    kernel = np.outer(smooth, -taps * smooth)
    kernel /= np.abs(kernel).sum()
    reference = scipy.signal.correlate2d(photo, kernel, mode="valid")       # float64
    scale = np.abs(photo).max() * np.abs(kernel).sum()
    out = {}
    for name, mats in sets.items():
        arrays = [np.array(a, dtype=float).astype(np.float32) for a in mats]
        y = _tiled(photo.astype(np.float32), kernel.astype(np.float32), *arrays)
        assert y.dtype == np.float32
        out[name] = float(np.abs(y - reference).max() / scale)
    return out


def _kappa(at, g, bt):
    mags = [mat.applyfunc(abs) for mat in (at, g, bt)]
    return max(mags[0] * (mags[1] * sympy.ones(3, 1)).multiply_elementwise(mags[2] * sympy.ones(bt.cols, 1)))


def test_float32_errors_on_the_photograph_come_in_the_order_of_kappa():
    sets = {"2": winograd_transforms(2), "4": winograd_transforms(4),
            "4 L&G": winograd_transforms(4, points=(0, 1, -1, 2, -2)),
            "6": winograd_transforms(6, points=POINTS[6])}
    kappas = {name: _kappa(*mats) for name, mats in sets.items()}
    assert [float(kappas[n]) for n in sets] == pytest.approx([8, 29.6, 48, 203 / 3])
    errors = _float32_errors(sets)
    assert sorted(errors, key=errors.get) == sorted(sets, key=kappas.get) == list(sets)
    assert errors["6"] > 5 * errors["2"]
    assert max(errors.values()) < 1e-5


def test_the_error_check_catches_a_broken_transform():
    at, g, bt = winograd_transforms(2)
    broken = bt.copy()
    broken[1, :] = 2 * broken[1, :]
    assert _float32_errors({"broken": (at, g, broken)})["broken"] > 1e-3


def _reached(at, g, bt):
    """The largest sum of |terms| over the outputs of F(m, r), for x, w at the corners of
    [-1, 1]: brute force in exact rationals. (Each |(Gw)_v| and |(B^T x)_v| is convex in its
    vector, so the maximum over the box is at a corner.)"""
    best = 0
    for w in itertools.product((-1, 1), repeat=g.cols):
        gw = [abs(v) for v in g * sympy.Matrix(w)]
        for x in itertools.product((-1, 1), repeat=bt.cols):
            btx = [abs(v) for v in bt * sympy.Matrix(x)]
            for i in range(at.rows):
                best = max(best, sum(abs(at[i, v]) * gw[v] * btx[v] for v in range(bt.rows)))
    return best


def test_kappa_is_an_upper_bound_that_no_input_reaches():
    at, g, bt = winograd_transforms(2)
    kappa = _kappa(at, g, bt)
    reached = _reached(at, g, bt)
    assert (kappa, reached) == (8, 5)
    # all ones (inputs and weights of one size and sign) give the direct sum's 3, far below
    ones_x, ones_w = sympy.ones(4, 1), sympy.ones(3, 1)
    terms = [abs(at[0, v] * (g * ones_w)[v] * (bt * ones_x)[v]) for v in range(4)]
    assert sum(terms) == 3
    # and no point inside the box exceeds the corners (the convexity the chapter relies on)
    rng = np.random.default_rng(0)
    a, gf, bf = (np.array(m, dtype=float) for m in (at, g, bt))
    xs, ws = rng.uniform(-1, 1, (2000, 4)), rng.uniform(-1, 1, (2000, 3))
    inside = (np.abs(a)[None] * (np.abs(ws @ gf.T) * np.abs(xs @ bf.T))[:, None, :]).sum(-1)
    assert inside.max() <= float(reached) + 1e-12
    # the larger tiles: the same, at the chapter's numbers
    four = winograd_transforms(4)
    assert _reached(*four) == sympy.Rational(117, 5) < _kappa(*four)


def test_a_bound_without_the_absolute_values_is_caught():
    at, g, bt = winograd_transforms(2)
    signed = max(at * (g * sympy.ones(3, 1)).multiply_elementwise(bt * sympy.ones(4, 1)))
    assert signed < _reached(at, g, bt)              # not an upper bound: the check fails it


def test_the_halves_of_f23_sit_in_bt_as_constructed_and_in_g_after_the_scaling():
    at, g, bt = _chapter_f23()
    assert all(v.is_integer for v in (*at, *g))
    assert sorted({abs(v) for v in bt if not v.is_integer}) == [HALF]
    pat, pg, pbt = winograd_transforms(2)
    assert set(pat) | set(pbt) <= {-1, 0, 1}
    assert sorted({abs(v) for v in pg if not v.is_integer}) == [HALF]
    # the claim the chapter made before its review ("the halves sit in G", of the unscaled form)
    assert not any(not v.is_integer for v in g)


def _evaluation(points, columns):
    rows = [[sympy.Integer(p) ** j for j in range(columns)] for p in points]
    return sympy.Matrix(rows + [[0] * (columns - 1) + [1]])


def test_f32_swaps_the_roles_of_f23s_g_and_at():
    points = (0, 1, -1)
    at23, g23 = _evaluation(points, 2).T, _evaluation(points, 3)
    at32, g32 = _evaluation(points, 3).T, _evaluation(points, 2)
    assert g32 == at23.T and at32 == g23.T
    # and F(3, 2) so built computes the 2-tap correlation, with F(2, 3)'s B^T
    bt = _evaluation(points, 4).inv().T
    x, w = symbols_array("x", 4, start=0), symbols_array("w", 2, start=0)
    y = at32 * (g32 * sympy.Matrix(w)).multiply_elementwise(bt * sympy.Matrix(x))
    assert all(sympy.expand(a - b) == 0 for a, b in zip(y, convlab.correlate(x, w)))
    assert _evaluation((0, 1, 2), 2) != at23.T           # other points: the check tells them apart


def test_products_per_output_of_the_method_in_1d_and_2d():
    at, _g, bt = winograd_transforms(4)              # the method's own F(4, 3)
    assert sympy.Rational(bt.rows, at.rows) == sympy.Rational(3, 2)
    assert sympy.Rational(bt.rows**2, at.rows**2) == sympy.Rational(9, 4)


@pytest.mark.parametrize("option", [dict(stride=2), dict(dilation=2)])
def test_winograd_needs_stride_and_dilation_1(option):
    x, w = np.ones((1, 1, 12)), np.ones((1, 1, 3))
    assert convlab.conv1d(x, w, method="winograd").shape == (1, 1, 10)
    with pytest.raises(ValueError, match="winograd"):
        convlab.conv1d(x, w, method="winograd", **option)


# --- the doors the chapter goes through -------------------------------------------------------

def test_winograd_transforms_are_the_methods_own():
    for m in (2, 4):
        exact = winograd.transforms(m)
        mine = winograd_transforms(m)
        assert all(sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in row] for row in a]) == b
                   for a, b in zip(exact, mine))
    at, g, bt = winograd_transforms(3, 2, points=(0, 1, Fraction(-1)))
    assert (at.shape, g.shape, bt.shape) == ((3, 4), (4, 2), (4, 4))


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(m=0), ValueError, "m must be a positive int; got 0"),
    (dict(m=2.0), TypeError, "m must be"),
    (dict(m=6), ValueError, "points must be given for F.6, 3."),
    (dict(m=2, r=2), ValueError, "points must be given for F.2, 2."),
    (dict(m=2, points=(0, 1, 0.5)), TypeError, "points must hold rational numbers.*0.5.*float"),
    (dict(m=2, points="012"), TypeError, "points must be a sequence"),
    (dict(m=2, points=(0, 1)), ValueError, "needs 3 distinct finite points"),
    (dict(m=2, points=(0, 1, 1)), ValueError, "needs 3 distinct finite points"),
])
def test_winograd_transforms_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        winograd_transforms(**kwargs)


def test_winograd_split_reports_the_stages():
    split = winograd_split((1, 4, 12, 12), (4, 4, 3, 3), repeat=1, dtype=np.float64)
    assert sorted(split) == ["filters", "gemm", "transforms", "whole call"]
    assert all(np.isfinite(v) and v >= 0 for v in split.values())


def _k3_only(x, w):
    if len(w) != 3:
        raise ValueError("written for 3 taps")
    return np.array([x[i:i + 3] @ w for i in range(len(x) - 2)])


def test_kernel_size_fixes_every_kernel_and_an_answer_for_that_size_passes():
    seen = []

    def spy(x, w):
        seen.append((x.shape, w.shape))
        return _k3_only(x, w)

    result = convlab.check(spy, "correlate", kernel_size=3)
    assert result.ok and result.total == len(seen) > 20
    assert all(ws == (3,) and xs[0] >= 3 for xs, ws in seen)
    # without the option, the same answer fails the other kernel sizes: the option is what passes it
    assert not convlab.check(_k3_only, "correlate").ok


def test_kernel_size_in_2d_and_for_convolve():
    shapes = []

    def spy(x, w):
        shapes.append((x.shape, w.shape))
        return scipy.signal.convolve2d(x, w)          # full, convlab.convolve's default

    assert convlab.check(spy, "convolve", ndim=2, kernel_size=(2, 3)).ok
    assert all(ws == (2, 3) and xs[0] >= 2 and xs[1] >= 3 for xs, ws in shapes)


def test_kernel_size_shrinking_keeps_the_kernel():
    def off(x, w):
        y = _k3_only(x, w)
        y[-1] += 1
        return y

    result = convlab.check(off, "correlate", kernel_size=3)
    assert not result.ok
    x, w = result.smallest.args
    assert len(w) == 3 and len(x) == 3


@pytest.mark.parametrize("value, error, match", [
    (0, ValueError, "kernel_size must be a positive int"),
    ("3", TypeError, "kernel_size must be a positive int"),
    ((3, 3), ValueError, "kernel_size must be an int or a tuple of 1 ints for ndim=1"),
])
def test_kernel_size_refuses_bad_values(value, error, match):
    with pytest.raises(error, match=match):
        convlab.check(_k3_only, "correlate", kernel_size=value)


def test_kernel_size_is_not_an_option_of_the_layers():
    with pytest.raises(TypeError, match="unexpected option 'kernel_size' for task 'conv1d'"):
        convlab.check(_k3_only, "conv1d", kernel_size=3)
