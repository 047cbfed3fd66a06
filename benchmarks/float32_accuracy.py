"""float32 accuracy of convlab's ``fft`` and ``im2col`` beside torch's conv, and the cost.

Run from the repository root::

    python -m benchmarks.float32_accuracy            # errors and timings
    python -m benchmarks.float32_accuracy --no-time  # errors only (seconds)

For each shape, float32 operands (standard normal, three seeds) are
convolved by convlab's ``fft`` under its precision rule
(:func:`convlab._engine.compute_dtype`,
:data:`convlab.methods.fft.FFT_DOUBLE_POINTS`), by ``fft`` with float32 transforms
forced (the rule switched off), by ``im2col`` (float32 GEMM) and by
``torch.nn.functional.conv1d/2d`` (float32, one thread), and compared with
a float64 ``im2col`` reference. The error is the largest absolute error over
the three seeds divided by ``max|x| * max_o sum|w[o]|``, the largest output
magnitude possible. ``ratio`` is convlab's ``fft`` error over ``im2col``'s;
``dtype`` is what the rule computes the ``fft`` in; ``auto`` the method
``method="auto"`` picks. Timings (medians, :func:`convlab.timing.measure`,
one thread) are of ``fft`` with float32 transforms and with float64
transforms forced, whatever the size (``cost`` is their ratio), each timed
alone: interleaved with float32 calls, the float64
transforms' larger buffers are handed back to the system and faulted in
again on every call (glibc's malloc trims them), which triples their cost
at some sizes and is not what a program repeating one call sees.
"""

from __future__ import annotations

import argparse
import math
from unittest import mock

import numpy as np

import convlab
from convlab import _engine, threads, timing
from convlab.methods import fft as fft_method

#: (name, x shape, w shape): 1-D and 2-D, small and large kernels, one and several channels.
CASES = [
    ("1-D n=1000 k=3", (1, 1, 1000), (1, 1, 3)),
    ("1-D n=1000 k=31", (1, 1, 1000), (1, 1, 31)),
    ("1-D n=1000 k=301", (1, 1, 1000), (1, 1, 301)),
    ("1-D n=1e5 k=3", (1, 1, 100_000), (1, 1, 3)),
    ("1-D n=1e5 k=31", (1, 1, 100_000), (1, 1, 31)),
    ("1-D n=1e5 k=513", (1, 1, 100_000), (1, 1, 513)),
    ("1-D 8x16ch n=4096 k=9", (8, 16, 4096), (16, 16, 9)),
    ("1-D 8x16ch n=4096 k=65", (8, 16, 4096), (16, 16, 65)),
    ("2-D 64x64 k=3", (1, 1, 64, 64), (1, 1, 3, 3)),
    ("2-D 64x64 k=15", (1, 1, 64, 64), (1, 1, 15, 15)),
    ("2-D 128x128 k=9", (1, 1, 128, 128), (1, 1, 9, 9)),
    ("2-D 256x256 k=3", (1, 1, 256, 256), (1, 1, 3, 3)),
    ("2-D 256x256 k=15", (1, 1, 256, 256), (1, 1, 15, 15)),
    ("2-D 256x256 k=31", (1, 1, 256, 256), (1, 1, 31, 31)),
    ("2-D 512x512 k=31", (1, 1, 512, 512), (1, 1, 31, 31)),
    ("2-D 8x16ch 32x32 k=3", (8, 16, 32, 32), (32, 16, 3, 3)),
    ("2-D 3ch 128x128 k=7", (1, 3, 128, 128), (16, 3, 7, 7)),
    ("2-D 3->8 256x256 k=11", (1, 3, 256, 256), (8, 3, 11, 11)),
]
SEEDS = (0, 1, 2)


def operands(x_shape, w_shape, seed):
    """float32 standard normal ``x`` and ``w`` (torch.randn's distribution)."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(x_shape).astype(np.float32),
            rng.standard_normal(w_shape).astype(np.float32))


def relative_error(y, ref, x, w) -> float:
    """``max|y - ref| / (max|x| * max_o sum|w[o]|)``."""
    fan_in = np.abs(w.reshape(w.shape[0], -1)).astype(np.float64).sum(axis=1).max()
    bound = float(np.abs(x).max()) * float(fan_in)
    return float(np.abs(y.astype(np.float64) - ref).max()) / bound


def float32_transforms():
    """A context in which ``fft`` transforms float32 in float32 whatever the size."""
    return mock.patch.object(fft_method, "FFT_DOUBLE_POINTS", -1)


def float64_transforms():
    """A context in which ``fft`` transforms float32 in float64 whatever the size."""
    return mock.patch.object(fft_method, "FFT_DOUBLE_POINTS", math.inf)


def errors(x_shape, w_shape, seeds=SEEDS, torch=None) -> dict[str, float]:
    """The largest relative error over ``seeds`` of each candidate (see the module docs)."""
    out: dict[str, float] = {}
    for seed in seeds:
        x, w = operands(x_shape, w_shape, seed)
        ref = convlab.convnd(x.astype(np.float64), w.astype(np.float64), method="im2col")
        got = {"fft": convlab.convnd(x, w, method="fft"),
               "im2col": convlab.convnd(x, w, method="im2col")}
        with float32_transforms():
            got["fft float32"] = convlab.convnd(x, w, method="fft")
        if torch is not None:
            conv = getattr(torch.nn.functional, f"conv{len(x_shape) - 2}d")
            got["torch"] = conv(torch.from_numpy(x), torch.from_numpy(w)).numpy()
        for name, y in got.items():
            assert y.dtype == np.float32, (name, y.dtype)
            out[name] = max(out.get(name, 0.0), relative_error(y, ref, x, w))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-time", dest="time", action="store_false", help="errors only")
    args = parser.parse_args(argv)
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:     # pragma: no cover - torch is optional
        torch = None
    print("| shape | fft points | dtype | auto | fft | fft, float32 transforms | im2col | torch | ratio |"
          + (" t float32 transforms | t float64 transforms | cost |" if args.time else ""))
    print("|---" * (9 + 3 * args.time) + "|")
    for name, x_shape, w_shape in CASES:
        e = errors(x_shape, w_shape, torch=torch)
        x, w = operands(x_shape, w_shape, 0)
        problem, _ = convlab._validate.prepare_conv(x, w, None, nd=len(x_shape) - 2, stride=1, padding=0,
                                                    dilation=1, groups=1, padding_mode="zeros", method="fft")
        points = fft_method.fft_points(problem)
        dtype = _engine.compute_dtype(problem, "fft")
        auto = convlab.choose_method(x, w)
        cells = [name, f"{points:,}", dtype.name, auto, *(f"{e.get(k, math.nan):.2e}" for k in
                                                          ("fft", "fft float32", "im2col", "torch")),
                 f"{e['fft'] / e['im2col']:.2f}"]
        if args.time:
            def single(x=x, w=w):
                with float32_transforms():
                    return convlab.convnd(x, w, method="fft")

            def double(x=x, w=w):
                with float64_transforms():
                    return convlab.convnd(x, w, method="fft")

            with threads.limit_threads(1):      # each alone: see the module docs
                t = [timing.measure({"fn": fn}, repeat=7)["fn"].median for fn in (single, double)]
            cells += [timing.format_seconds(t[0]), timing.format_seconds(t[1]), f"{t[1] / t[0]:.2f}"]
        print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
