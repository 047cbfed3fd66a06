"""Test-session configuration: hypothesis profiles, and the error ledger's summary
(the helpers themselves live in ``support.py``)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings
from support import CHROMIUM_FLAGS, LEDGER, need, require

# The default profile keeps `make test` quick; HYPOTHESIS_PROFILE=thorough digs deeper.
settings.register_profile("default", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=600, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium driven by Playwright, one per test module: Playwright's sync
    API runs an event loop, which must be gone before another module starts its own (or
    calls asyncio.run)."""
    chromium = shutil.which("chromium") or os.environ.get("CHROMIUM")
    need(chromium is not None, "Debian's chromium is not installed (apt-get install chromium)")
    sync_api = require("playwright.sync_api", "playwright drives the browser")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def pytest_terminal_summary(terminalreporter):
    if not LEDGER:
        return
    tr = terminalreporter
    tr.section("largest error seen, per method and dtype")
    tr.write_line(f"{'method':8} {'dtype':11} {'oracle':9} {'cases':>6} {'max |err|':>11} {'max |err|/bound':>16}")
    for (method, dtype, oracle), (err, rel, n) in sorted(LEDGER.items()):
        tr.write_line(f"{method:8} {dtype:11} {oracle:9} {n:6d} {err:11.3g} {rel:16.3g}")
    tr.write_line("bound = max|x| * max_o sum|w[o]| (the largest output magnitude possible)")
