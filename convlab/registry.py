"""The methods, one record each: everything the package knows about a method.

A :class:`Method` names its kernels (:mod:`convlab.methods`), what it
supports (a function of the normalised problem returning None or the
reason it cannot run it), its cost estimate (:mod:`convlab.cost`, from the
problem's :class:`~convlab.cost.Shapes` and the machine's speeds), the
dtype it computes in, which dtypes it computes exactly, and the values it
cannot be trusted on. :data:`REGISTRY` holds them in order; the engine
(:mod:`convlab._engine`), the resolver (:mod:`convlab.resolve`), the cost
model, calibration, validation and the tests all iterate over it.

Adding a method is one module in :mod:`convlab.methods` (its kernels and
rules, importing no other method module), one entry here, its fixed cost
of a call in :data:`convlab.calibration.DEFAULT` (if ``auto`` may pick
it), and its tests (those parametrised over the registry include it).

Examples
--------
>>> from convlab.registry import REGISTRY
>>> list(REGISTRY), [m.name for m in REGISTRY.values() if m.auto]
(['loop', 'im2col', 'fft', 'winograd'], ['im2col', 'fft', 'winograd'])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import _pool, config, cost
from .methods import fft, im2col, loop, winograd

__all__ = ["METHODS", "REGISTRY", "Method", "MethodUnsupported", "check_supported", "direct_dtype"]


def _anything(problem) -> str | None:
    return None


def direct_dtype(problem) -> np.dtype:
    """The dtype a direct method computes in: the result's, float16 in float32 (numpy's
    BLAS has no float16); integers in int64, exactly (the result dtype's rule)."""
    dtype = problem.dtype
    return np.dtype(np.float32) if dtype.kind == "f" and dtype.itemsize == 2 else dtype


@dataclass(frozen=True)
class Method:
    """One method: its kernels and everything the package decides about it.

    Attributes
    ----------
    name : str
        The ``method=`` value.
    compute : callable
        ``compute(x, w, geometry, plan) -> y`` (see :mod:`convlab.methods`).
    compute_transposed : callable or None
        The same for a transposed convolution; None if it has none.
    estimate : callable
        ``estimate(shapes, rates) -> seconds``: :class:`convlab.cost.Shapes`
        and :class:`convlab.calibration.Rates` are everything it reads.
    supports : callable
        ``supports(problem) -> None | reason``: a phrase that completes
        "method='name' ..." (e.g. ``"needs stride 1; got stride (2,)"``).
        Cheap: shapes, dtypes and geometry only, never the values.
    compute_dtype : callable
        ``compute_dtype(problem) -> dtype`` it computes in (the result is
        cast back to ``problem.dtype``).
    exact : str
        The dtype kinds it computes exactly (``"iuO"``: integers and objects).
    auto : bool
        Whether ``auto`` may pick it (``loop`` exists to be read).
    distrusts : callable or None
        ``distrusts(problem) -> None | (reason, warning)``: values it cannot
        be trusted on (it then hands over to another method); templates
        with ``{instead}`` for that method's name, the warning may be None.
    tune : callable or None
        ``tune(shapes, rates) -> dict`` of :class:`convlab.resolve.Plan`
        fields (the FFT's overlap-add ``block_length``).
    describe : callable or None
        ``describe(fields) -> str``, what ``tune`` chose, said after the
        estimate (``" (overlap-add)"``).
    workspace : callable
        ``workspace(problem) -> bytes``: the scratch memory it allocates
        besides the result, at its largest (the size rule,
        :mod:`convlab._validate.sizes`, checks it before anything runs).
    edge : str
        Why it wins when it does, said after the ratio.
    probe : tuple
        ``(x, w, geometry)``, the tiny problem :mod:`convlab.calibration` times
        ``compute`` on for the fixed cost of a call (default: a 1-D one).
    """

    name: str
    compute: Callable
    compute_transposed: Callable | None
    estimate: Callable
    supports: Callable = _anything
    compute_dtype: Callable = direct_dtype
    exact: str = ""
    auto: bool = True
    distrusts: Callable | None = None
    tune: Callable | None = None
    describe: Callable | None = None
    edge: str = ""
    workspace: Callable = lambda problem: _padded_copy_bytes(problem)
    probe: tuple = ((1, 1, 16), (1, 1, 3))

    def refuses(self, problem) -> str | None:
        """Why it cannot run ``problem`` (None: it can), its transposed form included."""
        if problem.transposed and self.compute_transposed is None:
            return "has no transposed convolution"
        return self.supports(problem)


def _itemsize(problem, method: str) -> int:
    dtype = REGISTRY[method].compute_dtype(problem)
    return 8 if dtype.kind == "O" else dtype.itemsize


def _padded_copy_bytes(problem, itemsize: int | None = None) -> int:
    """Bytes of the padded copy of the input a method may make (0 when nothing is padded)."""
    x, geom = problem.x, problem.geometry
    if problem.transposed or not any(lo or hi for lo, hi in geom.padding):
        return 0
    itemsize = itemsize or (8 if problem.dtype.kind == "O" else problem.dtype.itemsize)
    padded = math.prod(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], geom.padding))
    return x.shape[0] * x.shape[1] * padded * itemsize


def _im2col_workspace(problem) -> int:
    """The padded copy (or, transposed, the phases of the output), and one chunk of columns."""
    x, w, geom = problem.x, problem.w, problem.geometry
    item = _itemsize(problem, "im2col")
    cap = config.current("im2col_max_bytes")
    if problem.transposed:
        span = [d * (k - 1) + s for d, k, s in zip(geom.dilation, w.shape[2:], geom.stride)]
        phases = x.shape[0] * problem.c_out * math.prod(o + e for o, e in zip(geom.out_spatial, span))
        return phases * item + min(cap, x.shape[0] * w.shape[1] * math.prod(w.shape[2:])
                                   * math.prod(x.shape[2:]) * item)
    columns = x.shape[0] * math.prod(w.shape[1:]) * math.prod(geom.out_spatial) * item
    return _padded_copy_bytes(problem, item) + min(cap, columns)


def _fft_workspace(problem) -> int:
    """The padded (or, transposed, spread) input, and the spectra of every row it transforms."""
    item = _itemsize(problem, "fft")
    complex_ = REGISTRY["fft"].compute_dtype(problem).kind == "c"
    spectra = fft.fft_points(problem) * item * (2 if complex_ else 1)
    x = problem.x
    spread = x.shape[0] * x.shape[1] * math.prod(fft._padded(problem)) * item
    return spread + spectra


def _winograd_workspace(problem) -> int:
    """Its two chunk buffers and transformed filters, and a padded copy (modes other than zeros)."""
    x, w, geom = problem.x, problem.w, problem.geometry
    item = _itemsize(problem, "winograd")
    if problem.transposed:
        w_shape = (w.shape[1] * geom.groups, w.shape[0] // geom.groups, *w.shape[2:])
        return winograd.scratch_bytes(x.shape, w_shape, geom.out_spatial, geom.groups, item,
                                      workers=_pool.workers())
    padded = 0 if geom.padding_mode == "zeros" else _padded_copy_bytes(problem, item)
    return winograd.scratch_bytes(x.shape, w.shape, geom.out_spatial, geom.groups, item, padded,
                                  workers=_pool.workers())


def _fft_tune(shapes: cost.Shapes, rates) -> dict:
    """The overlap-add block of a 1-D ``fft`` (None: one transform of the whole signal)."""
    geom = shapes.geometry
    if len(geom.out_spatial) != 1:
        return {"block_length": None}
    if shapes.transposed:
        (padded,), w_shape = cost.transposed_shapes(shapes)
    else:
        (lo, hi), = geom.padding
        padded, w_shape = shapes.x_shape[2] + lo + hi, shapes.w_shape
    return {"block_length": cost.block_length(
        padded, w_shape, n_batch=shapes.x_shape[0], groups=geom.groups, dilation=geom.dilation[0],
        itemsize=shapes.itemsize, real=shapes.real, rates=rates)}


def _fft_describe(fields: Mapping) -> str:
    return " (one FFT)" if fields.get("block_length") is None else " (overlap-add)"


#: Every method, in the order explanations list them.
REGISTRY: Mapping[str, Method] = MappingProxyType({m.name: m for m in (
    Method("loop", loop.compute, loop.compute_transposed, cost.loop_estimate, exact="iuO", auto=False),
    Method("im2col", im2col.compute, im2col.compute_transposed, cost.im2col_estimate, exact="iuO",
           edge="the GEMM is cheaper than the transforms", workspace=_im2col_workspace),
    Method("fft", fft.compute, fft.compute_transposed, cost.fft_estimate, supports=fft.supports,
           compute_dtype=fft.compute_dtype, distrusts=fft.distrusts, tune=_fft_tune,
           describe=_fft_describe, workspace=_fft_workspace),
    Method("winograd", winograd.compute, winograd.compute_transposed, cost.winograd_estimate,
           supports=winograd.supports, distrusts=winograd.distrusts,
           edge="F(4x4, 3x3): its GEMMs do 4x fewer multiply-adds than im2col's",
           workspace=_winograd_workspace, probe=((1, 1, 6, 6), (1, 1, 3, 3))),
)})

#: The method names, in registry order.
METHODS: tuple[str, ...] = tuple(REGISTRY)


class MethodUnsupported(ValueError, TypeError):
    """A method asked for on a problem it cannot run (a ``ValueError``; also a
    ``TypeError``, which an object array given to the FFT used to raise)."""


def check_supported(problem) -> None:
    """Raise :class:`MethodUnsupported` if ``problem.method`` (not ``"auto"``) cannot run it,
    naming the method, what it lacks and the methods that can."""
    record = REGISTRY.get(problem.method)      # (read at each call: a test may register a method)
    reason = None if record is None else record.refuses(problem)
    if reason:
        able = [name for name, m in REGISTRY.items() if m.refuses(problem) is None]
        raise MethodUnsupported(f"method={problem.method!r} {reason}: use "
                                + " or ".join(f"method={name!r}" for name in able))


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
