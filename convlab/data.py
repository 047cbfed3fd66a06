"""Real signals and images for the book, from matplotlib's bundled sample data.

Nothing is downloaded: matplotlib ships these files in ``mpl-data/sample_data``.
"""

from __future__ import annotations

import numpy as np
from matplotlib import cbook
from matplotlib import image as mimage

from ._validate import int_in_range

__all__ = ["EEG_RATE_HZ", "eeg", "grace_hopper"]

EEG_RATE_HZ = 80.0
"""Sampling rate of :func:`eeg` (800 samples over 10 s, as in matplotlib's MRI/EEG example)."""


def eeg(channel: int = 0) -> np.ndarray:
    """One channel of the 4-channel EEG recording (800 samples, float64).

    Examples
    --------
    >>> from convlab import data
    >>> signal = data.eeg()
    >>> signal.shape, signal.dtype
    ((800,), dtype('float64'))
    """
    channel = int_in_range("channel", channel, 0, 4)
    path = cbook.get_sample_data("eeg.dat", asfileobj=False)
    return np.fromfile(path, dtype=np.float64).reshape(800, 4)[:, channel].copy()


def grace_hopper(gray: bool = True) -> np.ndarray:
    """The portrait of Grace Hopper as floats in [0, 1].

    Returns ``(600, 512)`` luminance when ``gray`` (ITU-R BT.601 weights),
    otherwise ``(3, 600, 512)`` RGB, channels first as convolution layers
    expect.

    Examples
    --------
    >>> from convlab import data
    >>> data.grace_hopper().shape, data.grace_hopper(gray=False).shape
    ((600, 512), (3, 600, 512))
    """
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    rgb = mimage.imread(path).astype(np.float64) / 255.0
    if gray:
        return rgb @ np.array([0.299, 0.587, 0.114])
    return np.ascontiguousarray(rgb.transpose(2, 0, 1))


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
