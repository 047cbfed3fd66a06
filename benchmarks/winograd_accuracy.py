"""Accuracy of ``method="winograd"`` by tile size, interpolation points and dtype.

Run from the repository root::

    python -m benchmarks.winograd_accuracy

For each dtype (float32, float64) and each transform -- F(2x2, 3x3) on the
points 0, 1, -1 (and infinity), F(4x4, 3x3) on 0, 1, -1, 2, -2 (Lavin &
Gray's) and on 0, 1, -1, 1/2, -2 -- a 3x3 layer of standard normal operands
(8 samples, 64 channels in and out, 28x28, padding 1; three seeds) is
computed by the Winograd method and by ``im2col`` (the direct GEMM) in that
dtype, and compared with a long-double ``im2col`` reference. The error is
the largest absolute error over the seeds divided by
``max|x| * max_o sum|w[o]|`` (the largest output magnitude possible, the
scale the tests' tolerances use); ``vs im2col`` is the Winograd error over
the direct method's. The transform's entries grow with the points, and the
error with them: with ``m``, and with points farther from 0.
"""

from __future__ import annotations

from fractions import Fraction
from unittest import mock

import numpy as np

from convlab._validate import prepare_conv
from convlab.methods import im2col, winograd

#: (label, m, finite points)
TRANSFORMS = [
    ("F(2x2,3x3) 0,+-1", 2, (0, 1, -1)),
    ("F(4x4,3x3) 0,+-1,+-2", 4, (0, 1, -1, 2, -2)),
    ("F(4x4,3x3) 0,+-1,1/2,-2", 4, (0, 1, -1, Fraction(1, 2), -2)),
    ("F(4x4,3x3) 0,+-1,+-1/2", 4, (0, 1, -1, Fraction(1, 2), Fraction(-1, 2))),
]
SHAPE_X, SHAPE_W = (8, 64, 28, 28), (64, 64, 3, 3)


def errors(dtype, seeds=(0, 1, 2)) -> dict[str, float]:
    """Scaled errors of each transform and of im2col in ``dtype`` (see the module docs)."""
    worst: dict[str, float] = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        x, w = rng.standard_normal(SHAPE_X), rng.standard_normal(SHAPE_W)
        problem, _ = prepare_conv(x, w, None, nd=2, stride=1, padding=1, dilation=1, groups=1,
                                  padding_mode="zeros", method="auto")
        geom = problem.geometry
        ref = im2col.compute(x.astype(np.longdouble), w.astype(np.longdouble), geom)
        scale = float(np.abs(x).max() * np.abs(w).reshape(len(w), -1).sum(axis=1).max())
        xs, ws = x.astype(dtype), w.astype(dtype)
        got = {"im2col": im2col.compute(xs, ws, geom)}
        for label, m, points in TRANSFORMS:
            with mock.patch.dict(winograd.TILE, {np.dtype(dtype).itemsize: m}), \
                    mock.patch.dict(winograd.POINTS, {m: tuple(Fraction(p) for p in points)}):
                got[label] = winograd.compute(xs, ws, geom)
        for label, y in got.items():
            err = float(np.abs(y.astype(np.longdouble) - ref).max()) / scale
            worst[label] = max(worst.get(label, 0.0), err)
    return worst


def main() -> None:
    print(f"x {SHAPE_X}, w {SHAPE_W}, padding 1; max abs error / (max|x| max_o sum|w[o]|), 3 seeds")
    print(f"{'dtype':8} {'transform':26} {'error':>9} {'vs im2col':>9}")
    for dtype in ("float32", "float64"):
        table = errors(np.dtype(dtype))
        for label, err in table.items():
            print(f"{dtype:8} {label:26} {err:9.2e} {err / table['im2col']:9.1f}")


if __name__ == "__main__":
    main()
