"""The benchmark shapes (those of the performance issue)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One convolution: ``x`` is ``(N, C_in, *spatial)``, ``w`` is ``(C_out, C_in, *k)``.

    ``kind`` is what is timed: ``"conv"`` (``convnd``), ``"transposed"``
    (``conv_transposend``, whose ``w`` is ``(C_in, C_out, *k)``, with
    ``stride`` and ``output_padding``), or the gradients of the layer
    ``convnd(x, w)``: ``"input grad"`` and ``"weight grad"`` (``convlab.grad``);
    or ``"convolve"``: ``convlab.convolve(x, w, mode)`` of one signal and one
    kernel in NumPy's ``mode`` ``"full"`` or ``"same"``, beside SciPy's
    ``fftconvolve`` and ``oaconvolve`` in that mode.
    """

    name: str
    x_shape: tuple[int, ...]
    w_shape: tuple[int, ...]
    padding: int = 0
    group: str = ""
    kind: str = "conv"
    stride: int = 1
    output_padding: int = 0
    mode: str = ""

    @property
    def nd(self) -> int:
        return len(self.w_shape) - 2

    @property
    def single_channel(self) -> bool:
        return self.x_shape[:2] == (1, 1) and self.w_shape[:2] == (1, 1)

    @property
    def deep(self) -> bool:
        return self.group == "deep"


DEEP = [
    Case("56x56 3x3 64->64", (8, 64, 56, 56), (64, 64, 3, 3), 1, "deep"),
    Case("28x28 3x3 128->128", (8, 128, 28, 28), (128, 128, 3, 3), 1, "deep"),
    Case("14x14 3x3 256->256", (16, 256, 14, 14), (256, 256, 3, 3), 1, "deep"),
]

IMAGES = [
    Case("224x224 3x3 3->64", (1, 3, 224, 224), (64, 3, 3, 3), 1, "image"),
    Case("256x256 11x11 3->8", (1, 3, 256, 256), (8, 3, 11, 11), 0, "image"),
    Case("512x512 31x31", (1, 1, 512, 512), (1, 1, 31, 31), 0, "image"),
    Case("1024x1024 5x5", (1, 1, 1024, 1024), (1, 1, 5, 5), 0, "image"),
]

SIGNALS = [
    Case(f"1-D {n:.0e} k={k}".replace("+0", ""), (1, 1, n), (1, 1, k), 0, "signal")
    for n in (1_000, 10_000, 100_000, 1_000_000) for k in (3, 31, 1001) if k <= n // 2
]

# decoders' upsampling layers: transposed convolutions (w is (C_in, C_out, *k))
TRANSPOSED = [
    Case("decoder 28x28 4x4 s2 64->32", (8, 64, 28, 28), (64, 32, 4, 4), 1, "transposed", "transposed", 2),
    Case("decoder 16x16 3x3 s2 op1 256->128", (1, 256, 16, 16), (256, 128, 3, 3), 1, "transposed",
         "transposed", 2, 1),
]

# the backward pass of the deep layers: their input and weight gradients
GRADS = [Case(f"{c.name} {kind}", c.x_shape, c.w_shape, c.padding, "grad", kind)
         for c in DEEP for kind in ("input grad", "weight grad")]

# numpy's full and same modes of one image or signal (convlab.convolve), beside scipy's FFT convolutions
MODES = [Case(f"{c.name} {mode}", c.x_shape, c.w_shape, 0, "mode", "convolve", mode=mode)
         for c in IMAGES + SIGNALS if c.name in ("512x512 31x31", "1-D 1e6 k=1001", "1-D 1e5 k=31")
         for mode in ("same", "full")]

CASES = DEEP + IMAGES + SIGNALS + MODES + TRANSPOSED + GRADS
