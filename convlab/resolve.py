"""The one place that decides what runs: which method, and how.

:func:`resolve` turns a validated :class:`~convlab._validate.Problem` into a
:class:`Plan`. Both the computation (:mod:`convlab._engine`) and
:func:`convlab.explain_method` call it, so the explanation always names
the method that actually runs. It knows no method by name: it asks each
record of :mod:`convlab.registry`. In order:

1. ``method="auto"`` considers the methods ``auto`` may pick that support
   the problem (each record's ``supports``). Rules that need no estimate
   come first: symbolic (object) inputs and integers go to the first
   method exact on them (``im2col``: exact on objects and faster than
   ``loop``; exact on integers, where ``fft`` would round). Otherwise it
   compares the cost model's estimates (:mod:`convlab.cost`, priced with
   :func:`convlab.calibration.rates` and the ``im2col_max_bytes`` setting)
   and takes the cheapest applicable method; the comparison is remembered
   per shapes, geometry, dtype, speeds and cap, and the reason names every
   method that does not apply.
2. A method that cannot be trusted on the values (its record's
   ``distrusts``: an ``fft`` on integers too large to round back exactly,
   or on an input holding NaN or Inf, which a transform would spread over
   the whole output) hands over to the cheapest applicable method that
   can, with a warning that points at the caller's line where the record
   gives one.
3. A method's record may tune the plan (``tune``): a 1-D ``fft`` gets its
   overlap-add block length from the cost model (``None``: one transform
   of the whole signal).
4. A method ``auto`` never takes (``loop``, the formula in Python), asked
   for by name on a call the cost model estimates at more than the
   ``loop_warn_seconds`` setting (:mod:`convlab.config`), gets a warning in
   its plan, with the estimate and ``auto``'s choice; the computation emits
   it at the caller's line (:func:`explain_method` only shows it).

A transposed convolution (a problem with a
:class:`~convlab._validate.TransposedGeometry`) follows the same rules;
its ``fft`` is priced as the correlation of
:func:`convlab.methods.fft.transposed_as_correlation`.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from . import config, registry
from ._validate.problem import problem_cause
from ._validate.sizes import MAX_BYTES, SMALL_BYTES, check_allocation, format_bytes
from .calibration import Rates, rates
from .cost import Shapes
from .timing import format_seconds

__all__ = ["Plan", "caller_stacklevel", "resolve", "shapes_of"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_NONE: Mapping[str, float] = MappingProxyType({})


class Plan(NamedTuple):
    """What runs: the ``method``, why (``reason``), and what it needs.

    ``estimates`` holds the cost model's seconds per method, read-only
    (empty when a rule decided without estimating); ``block_length`` is the
    overlap-add FFT length of a 1-D ``fft`` (None: one transform);
    ``warning`` is the warning the computation emits (a fallback the caller
    should know of). A plan is a value: nothing in it can be changed, so a
    remembered plan handed out twice is the same both times.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> plan = convlab.explain_method(np.ones((1, 1, 512, 512)), np.ones((1, 1, 31, 31)))
    >>> plan.method, plan.estimates["fft"] < plan.estimates["im2col"]
    ('fft', True)
    """

    method: str
    reason: str
    estimates: Mapping[str, float] = _NONE
    block_length: int | None = None
    warning: str | None = None

    def __str__(self) -> str:
        return f"{self.method}: {self.reason}"


def _real_itemsize(dtype: np.dtype) -> tuple[int, bool]:
    """(itemsize of the real dtype the cost model prices, whether it is real)."""
    if dtype.kind in "iu":
        return 8, True        # computed in float64 by fft; im2col's integer GEMM is not BLAS
    if dtype == np.float16:
        return 4, True        # computed in float32
    real = dtype.kind != "c"
    return dtype.itemsize // (1 if real else 2), real


def shapes_of(problem) -> Shapes:
    """The :class:`~convlab.cost.Shapes` the estimates read: the problem's shapes and
    geometry, its dtype as priced, and the ``im2col_max_bytes`` setting now."""
    itemsize, real = _real_itemsize(problem.dtype)
    return Shapes(problem.x.shape, problem.w.shape, problem.geometry, itemsize, real,
                  config.current("im2col_max_bytes"))


def _estimate(record, shapes: Shapes, speeds: Rates) -> float:
    """``record``'s estimate, infinite for sizes past any float (the size rule then refuses the call)."""
    try:
        return record.estimate(shapes, speeds)
    except OverflowError:
        return math.inf


@functools.lru_cache(maxsize=4096)
def _by_cost(shapes: Shapes, speeds: Rates, candidates: tuple[str, ...],
             refused: tuple[tuple[str, str], ...]) -> Plan:
    """The cost comparison of the ``candidates``, remembered per everything it reads."""
    t = MappingProxyType({name: _estimate(record, shapes, speeds)
                          for name, record in registry.REGISTRY.items()
                          if name in candidates or not record.auto and name not in dict(refused)})
    ranked = sorted(candidates, key=lambda name: t[name])
    best = ranked[0]
    record = registry.REGISTRY[best]
    fields = record.tune(shapes, speeds) if record.tune else {}
    shown = "estimated cost " + ", ".join(f"{name} {format_seconds(t[name])}" for name in candidates)
    shown += record.describe(fields) if record.describe else ""
    if len(ranked) > 1:
        why = f": {best} is {t[ranked[1]] / max(t[best], 1e-12):.2g}x faster"
        why += f" ({record.edge})" if record.edge else ""
    else:
        why = f": {best} is the only method that applies"
    skipped = "".join(f"; {name} does not apply: it {reason}" for name, reason in refused)
    return Plan(best, shown + why + skipped, t, **fields)


#: auto's decisions, by everything they read: (registry, speeds, plan, the bytes of the result and
#: of the plan's scratch) per key; see :func:`_auto`.
_decided: dict[tuple, tuple[Mapping, Rates, Plan, int]] = {}


def _auto(problem, speeds: Rates | None) -> tuple[Plan, int]:
    """Rule 1: the method ``auto`` takes, remembered per shapes, geometry, dtypes, speeds,
    cap and registry (what ``supports`` and the estimates read), so that a repeated call
    costs a dictionary look-up; with the bytes of the result and of its scratch
    (:func:`_bytes`), remembered alike."""
    speeds = speeds or rates()
    methods = registry.REGISTRY
    x, w, bias, geom, _, dtype = problem
    # (the speeds are compared apart from the key: by identity first, the usual case, which
    # saves hashing them; a key holds the plan of the speeds it was decided with)
    key = (x.shape, w.shape, geom, dtype, x.dtype, w.dtype, bias is None, config.current("im2col_max_bytes"))
    hit = _decided.get(key)
    if hit is not None and hit[0] is methods and (hit[1] is speeds or hit[1] == speeds):
        return hit[2], hit[3]
    plan = _decide(problem, speeds)
    total = _bytes(plan, problem)
    if len(_decided) >= 4096:
        _decided.clear()
    _decided[key] = (methods, speeds, plan, total)
    return plan, total


def _decide(problem, speeds: Rates) -> Plan:
    refused, candidates, unholdable = [], [], []
    for name, record in registry.REGISTRY.items():
        reason = record.refuses(problem)
        if reason:
            refused.append((name, reason))
        elif record.auto:
            # a method whose buffers no machine could hold is not priced (its sizes may be past
            # any float, or take the estimates forever); if every one is so, the size rule says why
            if _bytes(Plan(name, ""), problem) >= MAX_BYTES:
                unholdable.append(name)
            else:
                candidates.append(name)
    if not candidates and unholdable:
        _fits(Plan(unholdable[0], ""), problem)                       # raises the size rule's ValueError
    kind = problem.dtype.kind
    x, w, geom = problem.x, problem.w, problem.geometry
    if kind in "iuO":
        exact = [name for name in candidates if kind in registry.REGISTRY[name].exact]
        if kind == "O":
            slower = [name for name, m in registry.REGISTRY.items()
                      if not m.auto and name not in dict(refused)]
            return Plan(exact[0], f"object (symbolic) input: {exact[0]} is exact on objects"
                                  + (f" and faster than {' and '.join(slower)}" if slower else ""))
        rounding = [name for name in candidates if kind not in registry.REGISTRY[name].exact]
        return Plan(exact[0], f"integer input: {exact[0]} is exact"
                              + (f", {' and '.join(rounding)} would round" if rounding else ""))
    if 0 in x.shape or 0 in w.shape or 0 in geom.out_spatial:
        return Plan(candidates[0], "nothing to compute: the output or an operand is empty")
    return _by_cost(shapes_of(problem), speeds, tuple(candidates), tuple(refused))


def resolve(problem, speeds: Rates | None = None) -> Plan:
    """The :class:`Plan` for a validated problem (see the module docs for the rules).

    ``speeds`` defaults to :func:`convlab.calibration.rates`.
    """
    if problem.method == "auto":
        plan, total = _auto(problem, speeds)
        checked = _checked(plan, problem)
        return _fits(checked, problem, total if checked is plan else None)
    plan = _asked(problem, speeds)
    checked = _checked(plan, problem)
    return checked if checked.method == plan.method else _fits(checked, problem)


#: The plans of methods asked for by name, by everything they read (as :data:`_decided`, with
#: the ``loop_warn_seconds`` setting): (registry, speeds, plan) per key; only plans whose result
#: and scratch are below the size rule's threshold (the memory available is read afresh).
_asked_plans: dict[tuple, tuple[Mapping, Rates, Plan]] = {}


def _asked(problem, speeds: Rates | None) -> Plan:
    """The plan of the method asked for by name, before rule 2: the size rule first (before any
    estimate or tuning), then its tuning (rule 3) and its warning (rule 4); remembered."""
    speeds = speeds or rates()
    methods = registry.REGISTRY
    x, w, bias, geom, method, dtype = problem
    key = (method, x.shape, w.shape, geom, dtype, x.dtype, w.dtype, bias is None,
           config.current("im2col_max_bytes"), config.current("loop_warn_seconds"))
    hit = _asked_plans.get(key)
    if hit is not None and hit[0] is methods and (hit[1] is speeds or hit[1] == speeds):
        return hit[2]
    record = methods[method]
    total = _bytes(Plan(method, ""), problem)
    plan = _fits(Plan(method, "asked for"), problem, total)          # before any estimate or tuning
    if record.tune and dtype.kind != "O" and 0 not in x.shape and 0 not in w.shape \
            and 0 not in geom.out_spatial:
        plan = plan._replace(**record.tune(shapes_of(problem), speeds))
    if not record.auto:
        plan = plan._replace(warning=_too_slow(record, problem, speeds))
    if total < SMALL_BYTES:
        if len(_asked_plans) >= 4096:
            _asked_plans.clear()
        _asked_plans[key] = (methods, speeds, plan)
    return plan


def _bytes(plan: Plan, problem) -> int:
    """The bytes of ``problem``'s result and of ``plan``'s method's largest scratch (0: nothing
    is computed)."""
    x, geom = problem.x, problem.geometry
    if 0 in geom.out_spatial or 0 in x.shape[:1] or 0 in problem.w.shape:
        return 0
    itemsize = 8 if problem.dtype.kind == "O" else problem.dtype.itemsize
    return (x.shape[0] * problem.c_out * math.prod(geom.out_spatial) * itemsize
            + registry.REGISTRY[plan.method].workspace(problem))


def _fits(plan: Plan, problem, total: int | None = None) -> Plan:
    """The size rule (:mod:`convlab._validate.sizes`): the result and the largest scratch of the
    method that runs (``total`` bytes, if known: :func:`_bytes`) must fit in memory, checked
    before anything is allocated (the result alone was checked by validation)."""
    if (_bytes(plan, problem) if total is None else total) < SMALL_BYTES:
        return plan
    x, geom = problem.x, problem.geometry
    shape = (x.shape[0], problem.c_out, *geom.out_spatial)
    itemsize = 8 if problem.dtype.kind == "O" else problem.dtype.itemsize
    scratch = registry.REGISTRY[plan.method].workspace(problem)
    cause = functools.partial(problem_cause, problem)
    try:
        check_allocation(cause, shape, itemsize, workspace=scratch, method=plan.method)
    except MemoryError:
        if problem.method != "auto":
            raise
        # auto takes the next method whose scratch fits, if one does
        for name, record in registry.REGISTRY.items():
            if name == plan.method or not record.auto or record.refuses(problem) is not None \
                    or (record.distrusts and record.distrusts(problem)):
                continue
            other = record.workspace(problem)
            try:
                check_allocation(cause, shape, itemsize, workspace=other, method=name)
            except MemoryError:
                continue
            return Plan(name, f"{plan.method} would need {format_bytes(scratch)} of scratch, more than the "
                              f"memory available; {name} needs {format_bytes(other)}", plan.estimates)
        raise
    return plan


def _too_slow(record, problem, speeds: Rates | None) -> str | None:
    """Rule 4: the warning for a method ``auto`` never takes (``loop``), asked for on a call the
    cost model estimates at more than the ``loop_warn_seconds`` setting (None: no warning)."""
    limit = config.current("loop_warn_seconds")
    if limit is None:
        return None
    speeds = speeds or rates()
    seconds = record.estimate(shapes_of(problem), speeds)
    if seconds <= limit:
        return None
    auto, _ = _auto(problem, speeds)
    instead = f"{auto.method}, about {format_seconds(auto.estimates[auto.method])}" if auto.estimates \
        else auto.method
    return (f"method={record.name!r} is estimated to take {format_seconds(seconds)} on this call, more than "
            f"the loop_warn_seconds setting ({limit:g} s): it runs the formula in Python, one multiply-add "
            f"at a time. method='auto' computes the same ({instead}); or raise the setting with "
            f"convlab.options(loop_warn_seconds=...)")


def _checked(plan: Plan, problem) -> Plan:
    """Rule 2: hand over from a method that cannot be trusted on these values."""
    record = registry.REGISTRY[plan.method]
    doubt = record.distrusts(problem) if record.distrusts else None
    if doubt is None:
        return plan
    able = [name for name, m in registry.REGISTRY.items() if m.auto and name != plan.method
            and m.refuses(problem) is None and not (m.distrusts and m.distrusts(problem))]
    if plan.estimates:
        able.sort(key=lambda name: plan.estimates.get(name, float("inf")))
    instead = able[0]
    reason, warning = doubt
    return Plan(instead, reason.format(instead=instead), plan.estimates,
                warning=warning.format(instead=instead) if warning else None)


def caller_stacklevel() -> int:
    """The ``stacklevel`` of ``warnings.warn`` that names the first frame outside convlab
    (so that a warning points at the caller's line, however deep it was raised)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and _inside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level


def _inside(filename: str) -> bool:
    folder = os.path.dirname(os.path.abspath(filename))
    return folder == _PACKAGE_DIR or folder.startswith(_PACKAGE_DIR + os.sep)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
