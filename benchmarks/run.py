"""Run the benchmark and print the tables: see :mod:`benchmarks`."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import platform
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass, field

import numpy as np

import convlab
from convlab import _chunks, _pool, calibration, sweeps, threads, timing
from convlab._validate import prepare_transposed
from convlab.registry import REGISTRY
from convlab.resolve import resolve

from . import overhead
from .cases import CASES, Case

DTYPES = ("float64", "float32")
#: The methods ``auto`` may pick, in registry order: each gets a column.
AUTO_METHODS = tuple(name for name, record in REGISTRY.items() if record.auto)
MiB = 2**20


@dataclass
class Row:
    """Medians (seconds) of one case in one dtype, and what was skipped and why."""

    case: str
    dtype: str
    group: str
    times: dict[str, float] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    choice: str = ""
    gemm_flops: float = math.nan

    def best(self, names=None) -> tuple[str, float]:
        names = AUTO_METHODS if names is None else names
        avail = [(self.times[n], n) for n in names if math.isfinite(self.times.get(n, math.nan))]
        if not avail:
            return "", math.nan
        t, n = min(avail)
        return n, t


def optional(module: str):
    """Import ``module`` or return None (its columns are then left empty)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# --------------------------------------------------------------------------
# candidates of one case
# --------------------------------------------------------------------------

def make_inputs(case: Case, dtype: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(case.x_shape).astype(dtype)
    w = rng.standard_normal(case.w_shape).astype(dtype)
    return x, w


def torch_buffer_bytes(case: Case, dtype: str) -> int:
    """Bytes of torch's own column buffer on its float64 CPU path (one sample)."""
    if dtype != "float64":
        return 0
    out = convlab.conv_output_shape(case.x_shape, case.w_shape, padding=case.padding)
    return case.x_shape[1] * math.prod(case.w_shape[2:]) * math.prod(out) * 8


def _methods(estimates: dict, args, call) -> tuple[dict, list[str]]:
    """Every method auto may pick (:data:`AUTO_METHODS`) that applies (one the plan estimated)
    as a candidate (``call(method)`` runs one), but for those estimated slower than
    ``args.skip_above``, which get a note instead."""
    cands: dict[str, object] = {}
    notes: list[str] = []
    for method in AUTO_METHODS:
        if method not in estimates:
            notes.append(f"{method} does not apply")
        elif estimates[method] > args.skip_above:
            notes.append(f"{method} skipped: estimated {timing.format_seconds(estimates[method])}")
        else:
            cands[method] = lambda m=method: call(m)
    return cands, notes


def candidates(case: Case, dtype: str, args, torch, signal) -> tuple[dict, list[str], float, str]:
    """The callables to time for one case, notes on what was left out, the
    GEMM's flop count, and auto's explanation."""
    if case.kind == "transposed":
        return transposed_candidates(case, dtype, args, torch)
    if case.kind in ("input grad", "weight grad"):
        return grad_candidates(case, dtype, args, torch)
    if case.kind == "convolve":
        return mode_candidates(case, dtype, args, signal)
    x, w = make_inputs(case, dtype)
    pad = case.padding
    choice = convlab.explain_method(x, w, padding=pad)
    cands, notes = _methods(choice.estimates, args, lambda m: convlab.convnd(x, w, padding=pad, method=m))
    cands["auto"] = lambda: convlab.convnd(x, w, padding=pad)

    if torch is not None:
        if torch_buffer_bytes(case, dtype) > args.torch_max_bytes:
            notes.append(f"torch skipped: its float64 column buffer would take "
                         f"{torch_buffer_bytes(case, dtype) / 2**30:.1f} GiB")
        else:
            tx, tw = torch.from_numpy(x), torch.from_numpy(w)
            conv = getattr(torch.nn.functional, f"conv{case.nd}d")
            cands["torch"] = lambda: conv(tx, tw, padding=pad)
    if signal is not None and case.x_shape[0] == 1 and case.x_shape[1] <= 3 and pad == 0:
        axes = tuple(range(-case.nd, 0))
        flipped = np.ascontiguousarray(np.flip(w, axis=axes))
        if case.single_channel:
            xs, ws = x[0, 0], w[0, 0]
            fs = flipped[0, 0]
            cands["scipy fftconvolve"] = lambda: signal.fftconvolve(xs, fs, mode="valid")
            cands["scipy oaconvolve"] = lambda: signal.oaconvolve(xs, fs, mode="valid")
            cands["scipy correlate"] = lambda: signal.correlate(xs, ws, mode="valid")
        else:   # broadcast (1, C, *n) against (F, C, *k) over the spatial axes, sum the channels
            cands["scipy fftconvolve"] = lambda: signal.fftconvolve(x, flipped, "valid", axes=axes).sum(1)
            cands["scipy oaconvolve"] = lambda: signal.oaconvolve(x, flipped, "valid", axes=axes).sum(1)

    gemm_flops = math.nan
    # not on every core: numpy's threaded BLAS leaves its threads spinning after each product,
    # taking a core from whatever runs next (and no all-core target reads it)
    if case.deep and not getattr(args, "all_cores", False):
        out = convlab.conv_output_shape(case.x_shape, case.w_shape, padding=pad)
        m, k = case.w_shape[0], math.prod(case.w_shape[1:])
        n = case.x_shape[0] * math.prod(out)
        rng = np.random.default_rng(1)
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        cands["numpy GEMM"] = lambda: a @ b
        gemm_flops = 2.0 * m * k * n
    return cands, notes, gemm_flops, str(choice)


def mode_candidates(case: Case, dtype: str, args, signal) -> tuple[dict, list[str], float, str]:
    """:func:`candidates` of ``convlab.convolve`` in a NumPy mode, one signal and one kernel,
    beside SciPy's FFT convolutions in that mode; auto's explanation is that of the
    correlation ``convolve`` runs (its padding the mode's)."""
    x, w = (a[(0,) * 2] for a in make_inputs(case, dtype))
    padding = tuple((k - 1, k - 1) if case.mode == "full" else (k // 2, (k - 1) // 2) for k in w.shape)
    xb, wb = x[np.newaxis, np.newaxis], np.flip(w)[np.newaxis, np.newaxis].copy()
    choice = convlab.explain_method(xb, wb, padding=padding)
    cands, notes = _methods(choice.estimates, args, lambda m: convlab.convolve(x, w, case.mode, method=m))
    cands["auto"] = lambda: convlab.convolve(x, w, case.mode)
    if signal is not None:
        cands["scipy fftconvolve"] = lambda: signal.fftconvolve(x, w, mode=case.mode)
        cands["scipy oaconvolve"] = lambda: signal.oaconvolve(x, w, mode=case.mode)
    return cands, notes, math.nan, str(choice)


def transposed_candidates(case: Case, dtype: str, args, torch) -> tuple[dict, list[str], float, str]:
    """:func:`candidates` of a transposed convolution, beside torch's ``conv_transpose``; the GEMM
    is im2col's, ``w^T @ x``: ``(C_out * K, C_in) @ (C_in, N * L)``."""
    x, w = make_inputs(case, dtype)
    kw = dict(stride=case.stride, padding=case.padding, output_padding=case.output_padding)
    problem, _ = prepare_transposed(x, w, None, nd=case.nd, stride=case.stride, padding=case.padding,
                                    output_padding=case.output_padding, dilation=1, groups=1, method="auto")
    choice = resolve(problem)
    cands, notes = _methods(choice.estimates, args, lambda m: convlab.conv_transposend(x, w, method=m, **kw))
    cands["auto"] = lambda: convlab.conv_transposend(x, w, **kw)
    if torch is not None:
        tx, tw = torch.from_numpy(x), torch.from_numpy(w)
        conv = getattr(torch.nn.functional, f"conv_transpose{case.nd}d")
        cands["torch"] = lambda: conv(tx, tw, **kw)
    m, k, n = math.prod(case.w_shape[1:]), case.w_shape[0], case.x_shape[0] * math.prod(case.x_shape[2:])
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    cands["numpy GEMM"] = lambda: a @ b
    return cands, notes, 2.0 * m * k * n, str(choice)


def grad_candidates(case: Case, dtype: str, args, torch) -> tuple[dict, list[str], float, str]:
    """:func:`candidates` of a layer's input or weight gradient (``convlab.grad``), beside torch's
    backward for it (``torch.nn.grad``, which runs ``convolution_backward``); auto's explanation is
    that of the transposed convolution or correlation the gradient runs."""
    from convlab import grad

    x, w = make_inputs(case, dtype)
    pad = case.padding
    out = convlab.conv_output_shape(x.shape, w.shape, padding=pad)
    dy = np.random.default_rng(2).standard_normal((case.x_shape[0], case.w_shape[0], *out)).astype(dtype)
    nd = case.nd
    if case.kind == "input grad":
        fn = getattr(grad, f"conv{nd}d_input")
        args_ = (x.shape, w, dy)
        a, b, kw = grad._input_operands(*args_, nd, 1, pad, 1, 1, "auto")
        problem, _ = prepare_transposed(a, b, None, nd=nd, method="auto", **{
            name: kw[name] for name in ("stride", "padding", "output_padding", "dilation", "groups")})
        choice = resolve(problem)
    else:
        fn = getattr(grad, f"conv{nd}d_weight")
        args_ = (x, w.shape, dy)
        a, b, kw, _ = grad._weight_operands(*args_, nd, 1, pad, 1, 1, "auto")
        kw.pop("method")
        choice = convlab.explain_method(a, b, **kw)
    cands, notes = _methods(choice.estimates, args, lambda m: fn(*args_, padding=pad, method=m))
    cands["auto"] = lambda: fn(*args_, padding=pad)
    if torch is not None:
        tx, tw, tdy = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(dy)
        if case.kind == "input grad":
            backward = getattr(torch.nn.grad, f"conv{nd}d_input")
            cands["torch"] = lambda: backward(x.shape, tw, tdy, padding=pad)
        else:
            backward = getattr(torch.nn.grad, f"conv{nd}d_weight")
            cands["torch"] = lambda: backward(tx, w.shape, tdy, padding=pad)
    return cands, notes, math.nan, str(choice)


def multiply_adds(case: Case) -> int:
    """Multiply-adds of the case's computation (a transposed convolution scatters every input cell)."""
    if case.kind == "transposed":
        return case.x_shape[0] * math.prod(case.w_shape) * math.prod(case.x_shape[2:])
    return case.x_shape[0] * math.prod(case.w_shape) * math.prod(
        convlab.conv_output_shape(case.x_shape, case.w_shape, padding=case.padding))


def run_case(case: Case, dtype: str, args, torch, signal) -> Row:
    cands, notes, gemm_flops, choice = candidates(case, dtype, args, torch, signal)
    result = timing.measure(cands, repeat=args.repeat, budget=args.budget, clock=args.clock)
    row = Row(case.name, dtype, case.group, notes=notes, choice=choice, gemm_flops=gemm_flops)
    for name, t in result.items():
        row.times[name] = t.median
        row.runs[name] = len(t.times)
    row.times["loop (est.)"] = args.loop_ns * 1e-9 * multiply_adds(case)
    return row


# --------------------------------------------------------------------------
# memory
# --------------------------------------------------------------------------

@contextlib.contextmanager
def im2col_chunks(cap: int, work: int):
    """Temporarily set the cap and the work size (bytes of float64) of im2col's chunks."""
    old = _chunks.WORK_ELEMENTS
    _chunks.WORK_ELEMENTS = max(1, work // 8)
    try:
        with convlab.options(im2col_max_bytes=cap):
            yield
    finally:
        _chunks.WORK_ELEMENTS = old


def peak_bytes(fn) -> int:
    """Peak memory traced (numpy reports its buffers to tracemalloc) while ``fn`` runs."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory_check(args) -> dict:
    """im2col on 512x512 * 31x31 float64: extra memory and the speed cost of chunking."""
    case = Case("512x512 31x31", (1, 1, 512, 512), (1, 1, 31, 31))
    x, w = make_inputs(case, "float64")
    run = lambda: convlab.conv2d(x, w, method="im2col")        # noqa: E731
    out_bytes = math.prod(convlab.conv_output_shape(x.shape, w.shape)) * 8
    whole = 961 * 482 * 482 * 8
    default_cap = convlab.config.DEFAULT_IM2COL_MAX_BYTES
    peak = peak_bytes(run)
    with im2col_chunks(default_cap, default_cap):
        peak_cap = peak_bytes(run)

    def variant(cap, work):
        def f():
            with im2col_chunks(cap, work):
                run()
        return f

    cands = {"chunked (default)": run,
             "chunked at the cap (256 MiB)": variant(default_cap, default_cap),
             "unchunked (1.7 GiB)": variant(2**40, 2**40)}
    result = timing.measure(cands, repeat=max(1, args.repeat // 2), budget=args.budget, clock=args.clock)
    return {"column matrix": whole, "output": out_bytes, "peak default": peak, "peak at cap": peak_cap,
            "times": {k: v.median for k, v in result.items()},
            "runs": {k: len(v.times) for k, v in result.items()}}


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------

def ms(t: float) -> str:
    if not math.isfinite(t):
        return ""
    return f"{t * 1e3:.3g}" if t < 10 else f"{t:.3g} s"


def ratio(a: float, b: float) -> float:
    return a / b if math.isfinite(a) and math.isfinite(b) and b > 0 else math.nan


COLUMNS = (*AUTO_METHODS, "auto", "torch", "scipy fftconvolve", "scipy oaconvolve",
           "scipy correlate", "numpy GEMM", "loop (est.)")


def times_table(rows: list[Row]) -> str:
    head = ["case", "dtype", *COLUMNS, "auto picked", "auto / best"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        best = r.best()[1]
        picked = r.choice.split(":", 1)[0]
        cells = [r.case, r.dtype]
        for c in COLUMNS:
            cell = ms(r.times.get(c, math.nan))
            if cell and r.runs.get(c) == 1:
                cell += "¹"
            cells.append(cell)
        cells += [picked, f"{ratio(r.times.get('auto', math.nan), best):.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_rows(rows: list[Row], memory: dict | None,
                overheads: dict | None = None) -> list[tuple[str, str, str, str]]:
    """(target, measured, limit, verdict) for each target of the issue."""
    out = []

    def add(name, value, limit, ok, fmt="{:.2f}"):
        shown = fmt.format(value) if math.isfinite(value) else "n/a"
        out.append((name, shown, limit, "n/a" if not math.isfinite(value) else ("met" if ok else "MISSED")))

    for r in rows:
        if r.group != "deep":
            continue
        vs_torch = ratio(r.times.get("im2col", math.nan), r.times.get("torch", math.nan))
        gemm_eff = ratio(r.times.get("numpy GEMM", math.nan), r.times.get("im2col", math.nan))
        limit_t, limit_g = (0.7, 0.75) if r.dtype == "float64" else (1.25, 0.65)
        add(f"im2col / torch, {r.case}, {r.dtype}", vs_torch, f"<= {limit_t}", vs_torch <= limit_t)
        add(f"im2col GEMM efficiency, {r.case}, {r.dtype}", gemm_eff, f">= {limit_g:.0%}",
            gemm_eff >= limit_g, "{:.0%}")
        if "winograd" in r.times:       # issue 17: Winograd's minimal filtering at most 0.8x im2col
            v = ratio(r.times["winograd"], r.times.get("im2col", math.nan))
            add(f"winograd / im2col, {r.case}, {r.dtype}", v, "<= 0.8", v <= 0.8)
        if r.dtype == "float32":        # what any im2col must pay: its GEMM alone, beside torch's whole layer
            floor = ratio(r.times.get("numpy GEMM", math.nan), r.times.get("torch", math.nan))
            out.append((f"(context) numpy GEMM alone / torch, {r.case}, {r.dtype}",
                        f"{floor:.2f}" if math.isfinite(floor) else "n/a", "-", "-"))
    for r in rows:
        if r.group == "transposed":     # decoders: im2col at least torch's speed in float64
            vs_torch = ratio(r.times.get("im2col", math.nan), r.times.get("torch", math.nan))
            limit_t = 1.0 if r.dtype == "float64" else 2.5
            add(f"im2col / torch conv_transpose, {r.case}, {r.dtype}", vs_torch, f"<= {limit_t}",
                vs_torch <= limit_t)
        if r.group == "grad":           # backward: what auto runs, at least torch's speed in float64
            vs_torch = ratio(r.times.get("auto", math.nan), r.times.get("torch", math.nan))
            limit_t = 1.0 if r.dtype == "float64" else 2.5
            add(f"auto / torch backward, {r.case}, {r.dtype}", vs_torch, f"<= {limit_t}", vs_torch <= limit_t)
    if memory:
        t = memory["times"]
        cost = ratio(t["chunked (default)"], t["unchunked (1.7 GiB)"])
        add("im2col chunked / unchunked time, 512x512 31x31 float64", cost, "<= 1.10", cost <= 1.10)
        extra = memory["peak default"] / MiB
        add("im2col peak traced memory (MiB), 512x512 31x31 float64", extra,
            f"<= {convlab.config.DEFAULT_IM2COL_MAX_BYTES // MiB} + output",
            extra <= 256 + memory["output"] / MiB,
            "{:.0f}")
    for r in rows:
        if r.case == "512x512 31x31":
            v = ratio(r.times.get("fft", math.nan), r.times.get("scipy fftconvolve", math.nan))
            add(f"fft / scipy fftconvolve, {r.case}, {r.dtype}", v, "<= 1.0", v <= 1.0)
        if r.case == "1-D 1e6 k=1001":
            v = ratio(r.times.get("fft", math.nan), r.times.get("scipy oaconvolve", math.nan))
            add(f"fft / scipy oaconvolve, {r.case}, {r.dtype}", v, "<= 1.1", v <= 1.1)
        if r.group == "mode":           # numpy's full and same modes: no slower than scipy's faster FFT
            v = ratio(r.times.get("fft", math.nan), min(r.times.get("scipy fftconvolve", math.nan),
                                                        r.times.get("scipy oaconvolve", math.nan)))
            add(f"fft / faster of scipy fftconvolve, oaconvolve, {r.case}, {r.dtype}", v, "<= 1.0", v <= 1.0)
    worst = max(rows, key=lambda r: _nan0(ratio(r.times.get("auto", math.nan), r.best()[1])), default=None)
    if worst is not None:
        v = ratio(worst.times.get("auto", math.nan), worst.best()[1])
        add(f"auto / fastest method, worst case ({worst.case}, {worst.dtype})", v, "<= 1.25", v <= 1.25)
    if overheads:
        overhead.targets(overheads, add)
    return out


def all_core_case(case: Case) -> bool:
    """The rows timed a second time on every core: the deep layers and the FFT rows (those
    whose one-thread targets compare convlab's fft with scipy's)."""
    return (case.deep and case.kind == "conv") or case.name in FFT_ROWS or case.group == "mode"


FFT_ROWS = ("512x512 31x31", "1-D 1e6 k=1001")


def all_core_targets(one: list[Row], every: list[Row]) -> list[tuple[str, str, str, str]]:
    """The targets of the all-core rows: each deep layer's ratio against torch (auto's, what a
    user gets) within 1.1x of its one-thread ratio; fft at most scipy's faster FFT convolution
    run with ``workers=-1``; auto within 1.1x of the fastest method in both modes."""
    out = []

    def add(name, value, limit, ok):
        out.append((name, f"{value:.2f}" if math.isfinite(value) else "n/a", limit,
                    "n/a" if not math.isfinite(value) else ("met" if ok else "MISSED")))

    single = {(r.case, r.dtype): r for r in one}
    for r in every:
        alone = single.get((r.case, r.dtype))
        if r.group == "deep" and alone is not None:
            all_ratio = ratio(r.times.get("auto", math.nan), r.times.get("torch", math.nan))
            one_ratio = ratio(alone.times.get("auto", math.nan), alone.times.get("torch", math.nan))
            add(f"all cores: auto / torch, {r.case}, {r.dtype} (one thread: {one_ratio:.2f})",
                ratio(all_ratio, one_ratio), "<= 1.10 x one thread's", ratio(all_ratio, one_ratio) <= 1.10)
        if r.case in FFT_ROWS or r.group == "mode":
            v = ratio(r.times.get("fft", math.nan), min(r.times.get("scipy fftconvolve", math.nan),
                                                        r.times.get("scipy oaconvolve", math.nan)))
            add(f"all cores: fft / scipy's faster (workers=-1), {r.case}, {r.dtype}", v, "<= 1.0", v <= 1.0)
    alone = [single[(r.case, r.dtype)] for r in every if (r.case, r.dtype) in single]
    for label, rows in (("one thread", alone), ("all cores", every)):
        worst = max(rows, key=lambda r: _nan0(ratio(r.times.get("auto", math.nan), r.best()[1])),
                    default=None)
        if worst is not None:
            v = ratio(worst.times.get("auto", math.nan), worst.best()[1])
            add(f"{label}: auto / fastest method on these rows, worst ({worst.case}, {worst.dtype})", v,
                "<= 1.10", v <= 1.10)
    return out


def winograd_split(case: Case, dtype: str, repeat: int, clock: str) -> dict[str, float]:
    """Median seconds of one ``winograd`` call of a deep case, and of its stages: the
    filter transform, the input and output transforms (with the gathers and the copy into
    place), and the t*t channel GEMMs (:func:`convlab.methods.winograd.compute`'s ``split``)."""
    from convlab._validate import prepare_conv
    from convlab.methods import winograd
    x, w = make_inputs(case, dtype)
    problem, _ = prepare_conv(x, w, None, nd=2, stride=1, padding=case.padding, dilation=1, groups=1,
                              padding_mode="zeros", method="winograd")
    runs: list[dict[str, float]] = []

    def call():
        split: dict[str, float] = {}
        winograd.compute(x, w, problem.geometry, split=split)
        runs.append(split)
    total = timing.measure({"winograd": call}, repeat=repeat, clock=clock)["winograd"].median
    stages = {k: float(np.median([r[k] for r in runs[1:]])) for k in runs[-1]}
    return {"whole call": total, **stages}


def _nan0(v: float) -> float:
    return v if math.isfinite(v) else 0.0


def targets_table(targets) -> str:
    lines = ["| target | measured | limit | verdict |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="3 repeats, skip what is estimated slow (< 2 min)")
    p.add_argument("--repeat", type=int, help="timed rounds per case (default 7, quick 3)")
    p.add_argument("--threads", type=int, default=1, help="threads for BLAS and torch (default 1)")
    p.add_argument("--clock", choices=("cpu", "wall"), help="default: cpu with 1 thread, else wall")
    p.add_argument("-k", dest="pattern", default="", help="only cases whose name contains this")
    p.add_argument("--dtype", choices=DTYPES, action="append", help="only this dtype (repeatable)")
    p.add_argument("--no-memory", action="store_true", help="skip the im2col memory check")
    p.add_argument("--sweep", action="store_true",
                   help="also print kernel-size sweeps (default when not quick)")
    p.add_argument("--json", help="write every measurement to this file")
    p.add_argument("--no-all-cores", action="store_true",
                   help="skip the second pass of the deep-layer and FFT rows on every core")
    args = p.parse_args(argv)
    args.repeat = args.repeat or (3 if args.quick else 7)
    args.clock = args.clock or ("cpu" if args.threads == 1 else "wall")
    args.budget = 1.0 if args.quick else 3.0        # seconds: slower candidates run once
    args.skip_above = 1.5 if args.quick else 20.0    # estimated seconds: not run at all
    args.torch_max_bytes = 2 * 2**30
    args.dtypes = tuple(args.dtype or DTYPES)
    args.sweep = args.sweep or not args.quick
    return args


def header(args, torch, scipy) -> str:
    lines = [
        f"convlab {convlab.__version__}, numpy {np.__version__}, "
        f"scipy {scipy.__version__ if scipy else 'not installed (scipy columns empty)'}, "
        f"torch {torch.__version__ if torch else 'not installed (torch column empty)'}; "
        f"Python {platform.python_version()} on {platform.machine()}",
        f"threads: {args.threads} (numpy BLAS and torch), clock: {args.clock} time, "
        f"medians of {args.repeat} interleaved rounds after one warm-up; times in ms",
        f"numpy's BLAS kernels: {threads.blas_kernels() or 'unknown'}"
        + (f" (run without {os.environ['CONVLAB_BENCH_UNPINNED']}, which would pin older kernels)"
           if os.environ.get("CONVLAB_BENCH_UNPINNED") else ""),
    ]
    return "\n".join(lines)


def all_cores(args, torch, signal) -> list[Row]:
    """The deep-layer and FFT rows again, wall clock, everything on every core: convlab's
    ``workers=-1`` (its default), numpy's BLAS and torch at their default threads, and scipy's
    FFT convolutions inside ``scipy.fft.set_workers(-1)``."""
    wall = argparse.Namespace(**{**vars(args), "clock": "wall", "all_cores": True})
    scipy_fft = optional("scipy.fft")
    workers = scipy_fft.set_workers(-1) if scipy_fft is not None else contextlib.nullcontext()
    print(f"\nall cores ({_pool.cores()}), wall clock:", flush=True)
    with convlab.options(workers=-1), workers:
        rows = run_cases([c for c in CASES if all_core_case(c)], wall, torch, signal)
    return rows


def run_cases(cases, args, torch, signal) -> list[Row]:
    """:func:`run_case` of every case whose name holds ``args.pattern``, in every dtype asked
    for, each row printed as it is measured."""
    rows = []
    for case in cases:
        if args.pattern not in case.name:
            continue
        for dtype in args.dtypes:
            row = run_case(case, dtype, args, torch, signal)
            rows.append(row)
            shown = " ".join(f"{name} {ms(row.times.get(name, math.nan)):>8}"
                             for name in (*AUTO_METHODS, "auto", "torch"))
            print(f"  {case.name:22} {dtype:8} {shown}  [{row.choice.split(':')[0]}]", flush=True)
    return rows


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    torch = optional("torch")
    scipy = optional("scipy")
    signal = optional("scipy.signal")
    started = time.perf_counter()
    print(header(args, torch, scipy), flush=True)
    memory = None
    with threads.limit_threads(args.threads) as pinned:      # convlab's workers too
        if not pinned:
            print("note: no BLAS library found to pin; BLAS uses its default threads")
        args.loop_ns = sweeps.ns_per_mac((1, 4, 12, 12), (4, 4, 3, 3), "loop", repeat=3, clock=args.clock)
        peaks = {d: sweeps.gemm_rate(1024, 1024, 1024, d, repeat=3, clock=args.clock) for d in args.dtypes}
        print("numpy GEMM peak (1024^3): " + ", ".join(f"{d} {v / 1e9:.1f} GFLOP/s" for d, v in peaks.items())
              + f"; loop: {args.loop_ns:.0f} ns per multiply-add", flush=True)
        here, default = calibration.measure(), calibration.DEFAULT
        print("auto's cost model (convlab.calibration), measured here / its defaults: "
              f"GEMM {here.gemm_flops[8] / default.gemm_flops[8]:.2f}, "
              f"FFT {default.fft_ns[8] / here.fft_ns[8]:.2f}, "
              f"copy {here.copy_bytes / default.copy_bytes:.2f}, "
              "call overheads " + ", ".join(f"{default.call[m] / here.call[m]:.2f} ({m})" for m in here.call)
              + "; speeds, 1 = as assumed", flush=True)
        overheads = None
        if not args.pattern or args.pattern in "small call":
            overheads = overhead.measure(torch, signal, args.repeat, args.clock)
            print(overhead.report(overheads), flush=True)
        rows = run_cases(CASES, args, torch, signal)
        if not args.no_memory and "float64" in args.dtypes and args.pattern in "512x512 31x31":
            memory = memory_check(args)
        splits = {(case.name, dtype): winograd_split(case, dtype, args.repeat, args.clock)
                  for case in CASES if case.deep and case.kind == "conv" and args.pattern in case.name
                  for dtype in args.dtypes}
        measured_sweeps = []
        if args.sweep:
            measured_sweeps = [sweeps.kernel_sweep((1, 1, 256, 256), [3, 5, 7, 9, 11, 15, 21, 31, 45],
                                                   repeat=args.repeat, budget=args.budget,
                                                   clock=args.clock),
                               sweeps.kernel_sweep((1, 1, 100_000), [3, 7, 15, 31, 63, 127, 255, 511, 1001],
                                                   repeat=args.repeat, budget=args.budget,
                                                   clock=args.clock)]
    every: list[Row] = []
    if not args.no_all_cores:
        every = all_cores(args, torch, signal)
    print()
    print(times_table(rows))
    print("\n¹ timed once (its warm-up took longer than the budget); "
          "loop (est.) = measured ns per multiply-add x multiply-adds")
    for r in rows:
        for note in r.notes:
            print(f"- {r.case}, {r.dtype}: {note}")
    if scipy is None:
        print("- scipy is not installed: its columns are empty")
    if torch is None:
        print("- torch is not installed: its column is empty")
    if memory:
        t = memory["times"]
        print(f"\nim2col memory, 512x512 * 31x31 float64: a whole column matrix would take "
              f"{memory['column matrix'] / MiB:.0f} MiB; peak traced memory of one call "
              f"{memory['peak default'] / MiB:.1f} MiB by default, {memory['peak at cap'] / MiB:.1f} MiB "
              f"with 256 MiB chunks (output {memory['output'] / MiB:.1f} MiB); times "
              + ", ".join(f"{k} {ms(v)}" for k, v in t.items()))
    if splits:
        print("\nwinograd's split (medians, ms; the stages in process CPU time inside the call):")
        for (name, dtype), split in splits.items():
            print(f"  {name:22} {dtype:8} " + ", ".join(f"{k} {ms(v)}" for k, v in split.items()))
    for sweep in measured_sweeps:
        print(f"\nkernel-size sweep, x {sweep.shapes[0][0]}: " + ", ".join(
            f"k={k}: " + "/".join(f"{m} {ms(sweep.times[m][i])}" for m in sweep.times)
            for i, k in enumerate(sweep.sizes)))
        print(f"fft first faster than im2col at k = {sweep.crossover('im2col', 'fft')}")
    print()
    targets = target_rows(rows, memory, overheads)
    if every:
        print(f"\nall cores ({_pool.cores()}; convlab workers=-1, numpy's BLAS and torch at their defaults, "
              "scipy.fft workers=-1; wall clock):")
        print(times_table(every))
        targets += all_core_targets(rows, every)
    print()
    print(targets_table(targets))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": [asdict(r) for r in rows], "all cores": [asdict(r) for r in every],
                       "memory": memory, "targets": targets,
                       "peaks": peaks, "overheads": overheads}, f, indent=1, default=float)
    return 0
