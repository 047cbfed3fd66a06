"""Receptive-field figures: they draw what convlab.receptive measures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import convlab  # noqa: E402
import convlab.receptive  # noqa: E402
from convlab.symbolic import matrix_of  # noqa: E402
from convlab.viz import fields  # noqa: E402


def test_cone_title_and_marked_units():
    stack = [3, (3, 2), (3, 1, 2)]
    fig = fields.receptive_field_cone(stack, 24, unit=1)
    ax = fig.axes[0]
    assert ax.get_title() == f"receptive field of the marked unit: {convlab.receptive.receptive_field(stack).size} inputs"
    masks = convlab.receptive.cone(stack, 24, unit=1)
    # one scatter of empty and one of filled units per level, plus the ring around the top unit
    filled = [len(c.get_offsets()) for c in ax.collections[1:-1:2]]
    assert filled == [int(m.sum()) for m in masks]
    labels = [t.get_text() for t in ax.texts]
    assert labels[-1] == "layer 3: k=3, s=1, d=2\nfield 13, jump 2"


def test_cone_errors():
    with pytest.raises(ValueError, match="unit must be an int"):
        fields.receptive_field_cone([3], 5, unit=9)
    with pytest.raises(ValueError, match="kernel too large"):
        fields.receptive_field_cone([5], 4)


def test_fields_on_image_levels():
    fig = fields.fields_on_image(np.zeros((50, 60)), [3, (3, 2), 3], (25, 30), levels=[1, 3])
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [3.0, 9.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["layer 1: 3x3", "layer 3: 9x9"]
    x, y = ax.patches[1].get_xy()
    assert (x + 4.5, y + 4.5) == (30, 25)          # centred on (row 25, column 30)


def test_fields_on_image_labels_name_the_levels():
    fig = fields.fields_on_image(np.zeros((50, 60)), [3, (2, 2), 3], (25, 30), levels=[1, 3],
                                 labels=["conv1_1", "conv2_1"])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["conv1_1: 3x3", "conv2_1: 8x8"]


@pytest.mark.parametrize("args,kwargs,exc,match", [
    ((np.zeros((3, 4, 4)), [3], (1, 1)), {}, ValueError, r"image must be a non-empty 2-D array"),
    ((np.zeros((4, 4), dtype=complex), [3], (1, 1)), {}, TypeError, r"image must be a real numeric array"),
    ((np.zeros((4, 4)), [3], (1,)), {}, ValueError, r"center must be .* a tuple of 2 non-negative ints; got \(1,\)"),
    ((np.zeros((4, 4)), [3], (1, 1.5)), {}, TypeError, r"center must be .*; got 1.5 of type float"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(levels=[2]), ValueError, r"levels must be layer numbers in 1..1"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(levels=[]), ValueError, r"levels must be layer numbers"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(levels=[0]), ValueError, r"levels\[0\] must be a positive int; got 0"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(levels=[True]), TypeError, r"levels\[0\] must be a positive int"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(width=-2), ValueError, r"width must be > 0"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(labels=["a", "b"]), ValueError, r"labels must have one entry per level \(1\); got 2"),
    ((np.zeros((4, 4)), [3], (1, 1)), dict(labels="a"), TypeError, r"labels must be one value or a sequence"),
])
def test_fields_on_image_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fields.fields_on_image(*args, **kwargs)


def test_dense_matrix_of_a_conv2d():
    w = np.array([[[[1.0, -2.0], [3.0, 0.5]]]])
    m = np.array(matrix_of(lambda v: convlab.conv2d(v.reshape(1, 4, 5), w).ravel(), 20), dtype=float)
    fig = fields.dense_matrix(m, (4, 5), (3, 4), row=5)
    left, right = fig.axes
    assert left.get_title() == f"12x20 matrix: {12 * 4} non-zeros ({48 / 240:.1%})"
    shown = right.get_images()[0].get_array()
    expected = np.zeros((4, 5))
    expected[1:3, 1:3] = w[0, 0]                       # output (1, 1) reads inputs rows 1-2, cols 1-2
    np.testing.assert_array_equal(shown.filled(0), expected)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(matrix=np.zeros((3, 4)), in_shape=(2, 3), out_shape=(3,)), ValueError, r"matrix must have shape .* = \(3, 6\)"),
    (dict(matrix=np.zeros(6), in_shape=(2, 3), out_shape=(1,)), ValueError, r"matrix must be a non-empty 2-D array"),
    (dict(matrix=np.zeros((3, 6)), in_shape=(2, 0), out_shape=(3,)), ValueError, r"in_shape must be a positive int or a non-empty tuple"),
    (dict(matrix=np.zeros((3, 6)), in_shape=(2, 3.0), out_shape=(3,)), TypeError, r"in_shape must be"),
    (dict(matrix=np.zeros((3, 6)), in_shape=(2, 3), out_shape=(3,), row=3), ValueError, r"row must be an output \(row\) index in 0..2; got 3"),
    (dict(matrix=np.zeros((3, 6)), in_shape=(2, 3), out_shape=(3,), row=1.0), TypeError, r"row must be a non-negative int"),
])
def test_dense_matrix_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fields.dense_matrix(**kwargs)


def test_dense_matrix_shares_one_signed_scale():
    m = np.kron(np.eye(3), [[1.0, -4.0]])
    left, right = fields.dense_matrix(m, (2, 3), (3,), row=0).axes
    assert left.get_images()[0].get_clim() == right.get_images()[0].get_clim() == (-4.0, 4.0)
    assert np.ma.is_masked(left.get_images()[0].get_array()[0, 2])        # zeros are left blank
