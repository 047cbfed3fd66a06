"""The cost of a small call and of ``import convlab``: validation and dispatch, not arithmetic.

* ``import convlab`` on top of ``import numpy``: the best of several fresh
  interpreters each, importing numpy alone and numpy then convlab, on the
  process's CPU clock (``-X importtime`` would name what costs). convlab's
  bytecode is compiled first, as an installed package's is: where
  ``PYTHONDONTWRITEBYTECODE`` is set (as on the project's machines) an
  editable checkout would otherwise be compiled from source at every
  import, which costs about as much again as the import itself.
* one small call, ``conv1d`` on ``(1, 1, 100) x (1, 1, 3)``, beside
  ``torch.nn.functional.conv1d`` and ``scipy.signal.correlate`` on the same
  data: each timed as a batch of calls (a single call is below the clock's
  resolution), interleaved rounds, medians.
"""

from __future__ import annotations

import compileall
import math
import subprocess
import sys
from pathlib import Path

import numpy as np

import convlab
from convlab import timing

IMPORT_RUNS = 7
CALLS_PER_ROUND = 2000

_IMPORT = ("import time; t0 = time.process_time(); import numpy; t1 = time.process_time(); {extra}"
           "t2 = time.process_time(); print(t1 - t0, t2 - t1)")


def import_seconds(runs: int = IMPORT_RUNS) -> dict[str, float]:
    """Best-of-``runs`` CPU seconds of ``import numpy`` and of ``import convlab`` after it."""
    compileall.compile_dir(Path(convlab.__file__).parent, quiet=1)
    best = {"numpy": math.inf, "convlab": math.inf}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _IMPORT.format(extra="import convlab; ")],
                              capture_output=True, text=True, check=True, timeout=60)
        numpy_s, convlab_s = (float(v) for v in done.stdout.split())
        best["numpy"] = min(best["numpy"], numpy_s)
        best["convlab"] = min(best["convlab"], convlab_s)
    return best


def small_call_seconds(torch, signal, repeat: int, clock: str) -> dict[str, float]:
    """Median seconds of one small 1-D call, per library present."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 1, 100)), rng.standard_normal((1, 1, 3))

    def batch(fn):
        def run():
            for _ in range(CALLS_PER_ROUND):
                fn()
        return run

    cands = {"convlab auto": batch(lambda: convlab.conv1d(x, w)),
             "convlab im2col": batch(lambda: convlab.conv1d(x, w, method="im2col"))}
    if torch is not None:
        tx, tw = torch.from_numpy(x), torch.from_numpy(w)
        cands["torch"] = batch(lambda: torch.nn.functional.conv1d(tx, tw))
    if signal is not None:
        cands["scipy correlate"] = batch(lambda: signal.correlate(x[0, 0], w[0, 0], mode="valid"))
    result = timing.measure(cands, repeat=repeat, clock=clock)
    return {name: t.median / CALLS_PER_ROUND for name, t in result.items()}


def measure(torch, signal, repeat: int, clock: str) -> dict:
    """Both measurements, for :func:`report` and the targets table."""
    return {"import": import_seconds(), "small call": small_call_seconds(torch, signal, repeat, clock)}


def report(result: dict) -> str:
    imp, small = result["import"], result["small call"]
    calls = ", ".join(f"{name} {t * 1e6:.1f} us" for name, t in small.items())
    return (f"import numpy {imp['numpy'] * 1e3:.0f} ms, then import convlab {imp['convlab'] * 1e3:.0f} ms "
            f"(best of {IMPORT_RUNS} fresh interpreters)\n"
            f"small call conv1d (1, 1, 100) x (1, 1, 3): {calls}")


def targets(result: dict, add) -> None:
    """Add the overhead targets through ``add(name, value, limit, ok, fmt)``."""
    add("import convlab on top of numpy (ms)", result["import"]["convlab"] * 1e3, "<= 50",
        result["import"]["convlab"] <= 0.05, "{:.0f}")
    small = result["small call"]
    auto = small["convlab auto"]
    for other, limit in (("torch", 2.0), ("scipy correlate", 1.0)):
        v = auto / small[other] if other in small else math.nan
        add(f"small conv1d call, convlab / {other}", v, f"<= {limit}", v <= limit)
