"""Helpers for the tests: optional oracles that must not be skipped in CI, and an
error ledger that records the largest error seen per method and dtype (the
session summary in ``conftest.py`` prints it). Test modules import from here,
never from ``conftest``."""

from __future__ import annotations

import collections
import contextlib
import os

import numpy as np
import pytest

IN_CI = bool(os.environ.get("CI"))


#: Chromium's flags on this offline machine (background networking would be refused, noisily).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def need(condition: bool, why: str) -> None:
    """Skip unless ``condition``; in CI, fail instead (CI installs everything)."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{why} (required in CI; .ci/run installs it)", pytrace=False)
        pytest.skip(why)


def require(module: str, why: str):
    """Import an optional test dependency; skip without it, but fail in CI."""
    try:
        return pytest.importorskip(module, reason=f"{module} is not installed: {why}")
    except pytest.skip.Exception:
        if IN_CI:
            pytest.fail(f"{module} is required in CI ({why}); .ci/run installs it", pytrace=False)
        raise


# --------------------------------------------------------------------------
# error ledger: (method, dtype, oracle) -> largest |error| / bound seen
# --------------------------------------------------------------------------
LEDGER: dict[tuple[str, str, str], list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])


def error_bound(x, w) -> float:
    """max|x| * max over outputs of sum|w| over one output's fan-in: the size
    of the largest possible output, the scale all tolerances are relative to."""
    x = np.asarray(x)
    w = np.asarray(w)
    if x.size == 0 or w.size == 0:
        return 0.0
    fan_in = np.abs(w.reshape(w.shape[0], -1)).astype(np.float64).sum(axis=1).max() if w.ndim > 1 \
        else float(np.abs(w).astype(np.float64).sum())
    return float(np.abs(x).astype(np.float64).max()) * float(fan_in)


def record(method: str, dtype, oracle: str, err: float, bound: float) -> None:
    entry = LEDGER[(method, np.dtype(dtype).name, oracle)]
    entry[0] = max(entry[0], err)
    if bound > 0:
        entry[1] = max(entry[1], err / bound)
    entry[2] += 1


def refusal(method: str, prepare, *args, **kwargs) -> str | None:
    """The registry's word on ``method`` for the problem ``prepare(*args, **kwargs)`` builds
    (a ``convlab._validate.prepare_*``, called with ``method="auto"``): None when the
    method can run it, else the reason it refuses (so a test parametrised over every
    method expects that refusal instead of a result, without a hard-coded list)."""
    from convlab.registry import REGISTRY
    problem = prepare(*args, **{**kwargs, "method": "auto"})[0]
    return REGISTRY[method].refuses(problem)


@contextlib.contextmanager
def unless_refused(method: str):
    """Run the block; if the registry refuses ``method`` on the block's problem (its
    :func:`convlab.registry.check_supported` raises :class:`~convlab.registry.MethodUnsupported`
    naming ``method``, from the record's ``supports``), skip the test with that reason.
    For tests parametrised over every method on problems some methods cannot run
    (``winograd``: 2-D 3x3 stride 1 only); anything else propagates."""
    from convlab.registry import MethodUnsupported
    try:
        yield
    except MethodUnsupported as error:
        if not str(error).startswith(f"method={method!r} "):
            raise
        pytest.skip(f"the registry refuses it: {error}")


@contextlib.contextmanager
def tolerating_refusal(method: str):
    """Run the block; a refusal of ``method`` by the registry (as in :func:`unless_refused`)
    ends the block quietly, for loops over every method."""
    from convlab.registry import MethodUnsupported
    try:
        yield
    except MethodUnsupported as error:
        if not str(error).startswith(f"method={method!r} "):
            raise
