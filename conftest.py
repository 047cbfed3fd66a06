"""Root pytest configuration, for every test item (unit tests, doctests, notebooks)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest drew, so they do not pile up in memory."""
    yield
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
