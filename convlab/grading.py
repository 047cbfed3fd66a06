"""Grade a reader's own implementation against convlab, case by case.

Exercises in the book end with a call such as::

    convlab.check(my_correlate, "correlate", mode="valid")

which runs ``my_correlate`` on hand-picked edge cases and seeded random
cases, compares every answer with convlab's (shape first, then values), and
reports exactly which case failed and how. ``over=`` repeats the cases for
several combinations of options, e.g. every stride and padding of a layer,
and ``forbid=`` fails every case in which the reader's function called
convlab itself, so that an exercise that says "without convlab" is graded
on it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import CodeType

import numpy as np

import convlab

from . import conv, grad, local, pooling, shapes, transposed
from ._validate import choice, function

Case = tuple[str, tuple]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _signal_cases(rng: np.random.Generator, n_random: int, ndim: int = 1, **_) -> Iterator[Case]:
    if ndim == 1:
        yield "kernel of size 1", (np.array([1.0, -2.0, 3.0]), np.array([2.0]))
        yield "kernel as long as the signal", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, -1.0]))
        yield "asymmetric kernel (order matters)", (np.arange(6.0), np.array([1.0, 2.0, 3.0]))
        yield "even-length kernel", (np.arange(7.0), np.array([1.0, -1.0]))
        yield "integers", (np.array([3, 1, 4, 1, 5, 9, 2, 6]), np.array([1, -1, 2]))
        yield "a single-sample signal and kernel", (np.array([5.0]), np.array([-1.0]))
    for i in range(n_random):
        n = tuple(int(v) for v in rng.integers(1, 12, size=ndim))
        k = tuple(int(rng.integers(1, m + 1)) for m in n)
        yield f"random #{i + 1}: x{n} w{k}", (rng.standard_normal(n), rng.standard_normal(k))


def _layer_cases(rng: np.random.Generator, n_random: int, nd: int = 1, groups: int = 1,
                 **_) -> Iterator[Case]:
    for i in range(n_random):
        n_batch = int(rng.integers(1, 3))
        c_in = groups * int(rng.integers(1, 4))
        c_out = groups * int(rng.integers(1, 4))
        k = tuple(int(v) for v in rng.integers(1, 4, size=nd))
        size = tuple(int(kk + rng.integers(0, 7)) for kk in k)
        x = rng.standard_normal((n_batch, c_in, *size))
        w = rng.standard_normal((c_out, c_in // groups, *k))
        yield f"random #{i + 1}: x{x.shape} w{w.shape}", (x, w)


def _size_cases(rng: np.random.Generator, n_random: int, **_) -> Iterator[Case]:
    yield "kernel of size 1", (10, 1)
    yield "kernel as large as the input", (7, 7)
    # impossible layers (for the options of most combinations): the function must refuse them
    yield "kernel one longer than the input (impossible unpadded)", (4, 5)
    yield "kernel much longer than the input (impossible unpadded)", (2, 9)
    for i in range(n_random):
        k = int(rng.integers(1, 8))
        n = int(k + rng.integers(0, 30))
        yield f"random #{i + 1}: n={n}, k={k}", (n, k)


_GEOMETRY = ("stride", "padding", "dilation", "groups")


def _gradient_cases(rng: np.random.Generator, n_random: int, nd: int = 1, wrt: str = "weight",
                    **options) -> Iterator[Case]:
    """Layer cases with a random output gradient of the right shape for the options.

    ``wrt="weight"`` yields ``(x, weight_size, grad_output)``, ``wrt="input"``
    ``(input_size, w, grad_output)``: ``torch.nn.grad``'s argument orders.
    """
    layer = conv.conv1d if nd == 1 else conv.conv2d
    geometry = {k: v for k, v in options.items() if k in _GEOMETRY}
    one = (1, 1, 3) if nd == 1 else (1, 1, 3, 3)
    hand = [("kernel as large as the input: one output per channel",
             (rng.standard_normal(one), rng.standard_normal(one)))]
    hand.append(("integers", (rng.integers(-3, 4, (2, 2, *(6,) * nd)),
                              rng.integers(-2, 3, (3, 2, *(2,) * nd)))))
    for label, (x, w) in [*hand, *_layer_cases(rng, n_random, nd=nd, groups=options.get("groups", 1))]:
        try:
            out_shape = layer(x, w, **geometry).shape
        except ValueError:
            continue                                   # not a valid layer for these options
        dy = rng.integers(-3, 4, out_shape) if x.dtype.kind == "i" else rng.standard_normal(out_shape)
        yield label, ((x, w.shape, dy) if wrt == "weight" else (x.shape, w, dy))


def _transposed_cases(rng: np.random.Generator, n_random: int, nd: int = 1, groups: int = 1,
                      **_) -> Iterator[Case]:
    """``(x, w)`` of a transposed convolution: ``x`` ``(N, C_in, *n)``, ``w`` ``(C_in, C_out/groups, *k)``."""
    def spatial(size: int) -> tuple[int, ...]:
        return (size,) * nd

    if groups == 1:
        yield "one input cell: the output is the kernel", (
            np.ones((1, 1, *spatial(1))), np.arange(1.0, 3.0 ** nd + 1).reshape(1, 1, *spatial(3)))
        yield "kernel of size 1", (np.arange(1.0, 1 + 4 ** nd).reshape(1, 1, *spatial(4)),
                                   np.full((1, 1, *spatial(1)), -2.0))
        yield "asymmetric kernel (the flip matters)", (
            np.arange(4.0 ** nd).reshape(1, 1, *spatial(4)),
            np.arange(1.0, 1 + 3 ** nd).reshape(1, 1, *spatial(3)) ** 2)
        yield "more output channels than input channels", (rng.standard_normal((1, 2, *spatial(4))),
                                                           rng.standard_normal((2, 3, *spatial(2))))
        yield "integers", (rng.integers(-3, 4, (2, 2, *spatial(3))), rng.integers(-2, 3, (2, 1, *spatial(2))))
    for i in range(n_random):
        n_batch = int(rng.integers(1, 3))
        c_in = groups * int(rng.integers(1, 4))
        c_out = int(rng.integers(1, 4))
        k = tuple(int(v) for v in rng.integers(1, 5, size=nd))
        size = tuple(int(v) for v in rng.integers(1, 7, size=nd))
        x = rng.standard_normal((n_batch, c_in, *size))
        w = rng.standard_normal((c_in, c_out, *k))
        yield f"random #{i + 1}: x{x.shape} w{w.shape}", (x, w)


def _pool_cases(rng: np.random.Generator, n_random: int, kernel_size=None, **options) -> Iterator[Case]:
    """``(grad_output, x)`` for a 2-D max pooling with ``kernel_size`` and the other options."""
    if kernel_size is None:
        raise TypeError("the task 'max_pool2d_backward' needs the pooling's kernel_size, "
                        "e.g. convlab.check(fn, 'max_pool2d_backward', kernel_size=2)")
    opts = {k: v for k, v in options.items() if k in ("stride", "padding", "dilation", "ceil_mode")}
    ties = np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 2.0, 1.0, 3.0],
                       [0.0, 3.0, 3.0, 1.0], [2.0, 1.0, 3.0, 3.0]]]])
    cases = [("ties: the first maximum of a window wins", ties)]
    for i in range(n_random):
        shape = (int(rng.integers(1, 3)), int(rng.integers(1, 4)), *(int(v) for v in rng.integers(2, 9, 2)))
        cases.append((f"random #{i + 1}: x{shape}", rng.standard_normal(shape)))
    for label, x in cases:
        try:
            out_shape = pooling.max_pool2d(x, kernel_size, **opts).shape
        except ValueError:
            continue                                   # window larger than this input
        yield label, (rng.standard_normal(out_shape), x)


_LOCAL_GEOMETRY = ("stride", "padding", "dilation")


def _local_cases(rng: np.random.Generator, n_random: int, weight: bool = False, **options) -> Iterator[Case]:
    """Cases of a 2-D locally connected layer: ``(x, w[, bias])``, or ``(x, weight_size, grad_output)``.

    ``w`` is ``(H_out, W_out, C_out, C_in, kh, kw)`` as :func:`convlab.locally_connected2d`; its first two
    axes follow the output size for the options, so every case is built for them.
    """
    geometry = {k: v for k, v in options.items() if k in _LOCAL_GEOMETRY}

    def out_size(n, k):
        return tuple(int(shapes.output_size(a, b, **geometry)) for a, b in zip(n, k))

    def build(label, x, c_out, k, bias, integer=False):
        try:
            out = out_size(x.shape[2:], k)
        except (ValueError, TypeError):
            return None                                # not a valid layer for these options
        draw = ((lambda shape: rng.integers(-3, 4, shape)) if integer else rng.standard_normal)
        w = draw((*out, c_out, x.shape[1], *k))
        if weight:
            return label, (x, w.shape, draw((x.shape[0], c_out, *out)))
        return label, ((x, w, draw((c_out, *out))) if bias else (x, w))

    hand = [
        ("kernel as large as the input: one output cell", rng.standard_normal((1, 1, 3, 3)), 1, (3, 3),
         False),
        ("1x1 kernel", rng.standard_normal((1, 2, 3, 4)), 2, (1, 1), True),
        ("single channel, with a bias", rng.standard_normal((1, 1, 5, 4)), 1, (2, 3), True),
        ("stride larger than the kernel", rng.standard_normal((2, 2, 6, 5)), 3, (2, 1), False),
    ]
    for label, x, c_out, k, bias in hand:
        case = build(label, x, c_out, k, bias)
        if case:
            yield case
    case = build("integers", rng.integers(-3, 4, (2, 2, 5, 5)), 2, (2, 2), True, integer=True)
    if case:
        yield case
    for i in range(n_random):
        n_batch, c_in, c_out = (int(v) for v in rng.integers(1, 4, 3))
        k = tuple(int(v) for v in rng.integers(1, 4, 2))
        size = tuple(int(kk + rng.integers(0, 5)) for kk in k)
        x = rng.standard_normal((n_batch, c_in, *size))
        case = build(f"random #{i + 1}: x{x.shape} k{k}", x, c_out, k, bias=i % 2 == 1)
        if case:
            yield case


@dataclass(frozen=True)
class Task:
    reference: Callable
    cases: Callable[..., Iterator[Case]]
    refuses: bool = False  # a case whose layer is impossible must make fn raise ValueError too


_IMPOSSIBLE = "kernel too large"  # how convlab's refusals of an impossible geometry begin


def _single(layer: Callable) -> Callable:
    """``layer`` (conv1d or conv2d) on one signal or image without batch and channel axes."""
    def reference(x, w, **options):
        return layer(x[None, None], w[None, None], **options)[0, 0]
    return reference


TASKS: dict[str, Task] = {
    "correlate": Task(conv.correlate, _signal_cases),
    "convolve": Task(conv.convolve, _signal_cases),
    "conv1d": Task(conv.conv1d, lambda rng, n, **kw: _layer_cases(rng, n, nd=1, **kw)),
    "conv2d": Task(conv.conv2d, lambda rng, n, **kw: _layer_cases(rng, n, nd=2, **kw)),
    "conv1d_single": Task(_single(conv.conv1d), lambda rng, n, **kw: _signal_cases(rng, n, ndim=1),
                          refuses=True),
    "conv2d_single": Task(_single(conv.conv2d), lambda rng, n, **kw: _signal_cases(rng, n, ndim=2),
                          refuses=True),
    "output_size": Task(shapes.output_size, _size_cases, refuses=True),
    "conv1d_weight": Task(grad.conv1d_weight, lambda rng, n, **kw: _gradient_cases(rng, n, nd=1, **kw)),
    "conv2d_weight": Task(grad.conv2d_weight, lambda rng, n, **kw: _gradient_cases(rng, n, nd=2, **kw)),
    "conv1d_input": Task(grad.conv1d_input,
                         lambda rng, n, **kw: _gradient_cases(rng, n, nd=1, wrt="input", **kw)),
    "conv2d_input": Task(grad.conv2d_input,
                         lambda rng, n, **kw: _gradient_cases(rng, n, nd=2, wrt="input", **kw)),
    "max_pool2d_backward": Task(pooling.max_pool2d_backward, _pool_cases),
    "conv_transpose1d": Task(transposed.conv_transpose1d,
                             lambda rng, n, **kw: _transposed_cases(rng, n, nd=1, **kw)),
    "conv_transpose2d": Task(transposed.conv_transpose2d,
                             lambda rng, n, **kw: _transposed_cases(rng, n, nd=2, **kw)),
    "locally_connected2d": Task(local.locally_connected2d, _local_cases),
    "locally_connected2d_weight": Task(local.locally_connected_weight,
                                       lambda rng, n, **kw: _local_cases(rng, n, weight=True, **kw)),
}
_CASE_OPTIONS = ("ndim",)  # options that shape the cases, not the reference call


@dataclass
class Failure:
    """One case the reader's function got wrong."""

    label: str
    args: tuple
    expected: object
    got: object
    why: str

    def __str__(self) -> str:
        shown = ", ".join(np.array2string(np.asarray(a), precision=3, threshold=20)
                          if isinstance(a, np.ndarray) else repr(a) for a in self.args)
        return (f"case '{self.label}' failed: {self.why}\n"
                f"  inputs:   {shown}\n  expected: {_show(self.expected)}\n  got:      {_show(self.got)}")


def _show(v) -> str:
    if isinstance(v, np.ndarray):
        return np.array2string(v, precision=4, threshold=30).replace("\n", "\n            ")
    return repr(v)


@dataclass
class CheckResult:
    """The outcome of :func:`check`; ``ok`` is True when every case passed."""

    task: str
    total: int
    failures: list[Failure] = field(default_factory=list)
    combinations: int = 1

    @property
    def ok(self) -> bool:
        return not self.failures

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            over = f" ({self.combinations} combinations of options)" if self.combinations > 1 else ""
            return f"✔ {self.task}: all {self.total} cases passed{over}"
        head = f"✘ {self.task}: {len(self.failures)} of {self.total} cases failed"
        return head + "\n" + str(self.failures[0]) + (
            f"\n  (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else "")

    __str__ = __repr__


def _compare(expected, got, rtol, atol) -> str | None:
    if not isinstance(expected, np.ndarray):
        return None if got == expected else "wrong value"
    try:
        got = np.asarray(got)
    except Exception:  # noqa: BLE001 - anything unconvertible is a wrong answer
        return f"returned {type(got).__name__}, which is not an array"
    if got.shape != expected.shape:
        return f"wrong shape: expected {expected.shape}, got {got.shape}"
    if got.dtype.kind not in "iufc":
        return f"returned an array of dtype {got.dtype}, expected numbers"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        err = float(np.max(np.abs(got - expected)))
        where = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
        return f"wrong values: largest error {err:.3g} at index {tuple(int(i) for i in where)}"
    return None


class _Watch:
    """Runs the reader's function and notes its first call into convlab (``sys.setprofile``).

    ``"convlab"`` in ``forbid`` stands for every function defined in the
    package, however it is reached (``convlab.conv2d``, ``from convlab
    import conv2d``, a submodule); any other name is a public function of
    ``convlab``, recognised by its code under any alias.
    """

    def __init__(self, forbid: str | Iterable[str]):
        names = (forbid,) if isinstance(forbid, str) else forbid
        if not isinstance(names, Iterable):
            raise TypeError(f"forbid must be a str or a sequence of str; got {forbid!r}")
        self.everything = False
        self.codes: dict[CodeType, str] = {}
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"forbid must be a str or a sequence of str; got {forbid!r}")
            if name == "convlab":
                self.everything = True
                continue
            public = not name.startswith("_") and name not in convlab.LAZY_MODULES
            code = getattr(getattr(convlab, name, None) if public else None, "__code__", None)
            if not isinstance(code, CodeType):
                raise ValueError(f"forbid must hold 'convlab' or names of convlab's public functions "
                                 f"(e.g. 'conv2d'); got {name!r}")
            self.codes[code] = f"convlab.{name}"
        self.called: str | None = None

    def _profile(self, frame, event, _arg) -> None:
        if event != "call" or self.called is not None:
            return
        code = frame.f_code
        if code in self.codes:
            self.called = self.codes[code]
        elif self.everything and os.path.abspath(code.co_filename).startswith(_PACKAGE_DIR + os.sep):
            self.called = f"{frame.f_globals.get('__name__', 'convlab')}.{code.co_qualname}"

    def __call__(self, fn: Callable, args, kwargs):
        """``fn(*args, **kwargs)``; afterwards :attr:`called` names the first forbidden call, if any."""
        self.called = None
        if not (self.everything or self.codes):
            return fn(*args, **kwargs)
        previous = sys.getprofile()
        sys.setprofile(self._profile)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.setprofile(previous)


def check(fn: Callable, task: str, *, n_random: int = 20, seed: int = 0, rtol: float = 1e-7,
          atol: float = 1e-9, pass_options: bool = False,
          over: Sequence[Mapping[str, object]] | None = None, forbid: str | Iterable[str] = (),
          **options) -> CheckResult:
    """Run ``fn`` on edge and random cases and compare it with convlab.

    Parameters
    ----------
    fn : callable
        The reader's function. It is called with the case's positional
        arguments (``(x, w)`` for convolutions, ``(n, k)`` for
        ``output_size``, see ``task`` for the gradients) and, if
        ``pass_options``, the ``options`` too.
    task : str
        Which convlab function is the reference: ``"correlate"``,
        ``"convolve"``, ``"conv1d"``, ``"conv2d"``, ``"conv1d_single"``,
        ``"conv2d_single"``, ``"output_size"``, the gradients
        ``"conv1d_weight"``, ``"conv2d_weight"``, ``"conv1d_input"``,
        ``"conv2d_input"`` (:mod:`convlab.grad`), ``"max_pool2d_backward"``,
        the transposed convolutions ``"conv_transpose1d"`` and
        ``"conv_transpose2d"`` (``fn(x, w)`` with ``w`` of shape
        ``(C_in, C_out/groups, *k)``, as :func:`convlab.conv_transpose1d`),
        or the locally connected layer ``"locally_connected2d"``
        (``fn(x, w)`` or ``fn(x, w, bias)``, ``w`` of shape
        ``(H_out, W_out, C_out, C_in, kh, kw)`` and ``bias``
        ``(C_out, H_out, W_out)``, as :func:`convlab.locally_connected2d`)
        and its weight gradient ``"locally_connected2d_weight"``
        (``fn(x, weight_size, grad_output)``, as
        :func:`convlab.local.locally_connected_weight`).
        ``conv1d_single`` and ``conv2d_single`` are those layers on one
        signal or image without batch and channel axes: ``fn(x, w)`` gets a
        1-D (2-D) ``x`` and ``w`` and must return what
        ``conv1d(x[None, None], w[None, None])[0, 0]`` returns (``conv2d``
        likewise). The gradient tasks call ``fn`` with ``torch.nn.grad``'s
        arguments, ``(x, weight_size, grad_output)`` for a weight gradient
        and ``(input_size, w, grad_output)`` for an input gradient, with a
        ``grad_output`` of the layer's output shape for the options;
        ``max_pool2d_backward`` calls ``fn(grad_output, x)`` and needs
        ``kernel_size`` among the options.
        For ``output_size``, ``conv1d_single`` and ``conv2d_single`` a case
        whose layer is impossible (convlab refuses it: the dilated kernel
        does not fit the padded input) is graded too: ``fn`` must raise
        ``ValueError`` there, and a number or an array it returns fails.
    n_random, seed : int
        How many random cases, and the seed that makes them reproducible.
    rtol, atol : float
        Tolerances of the comparison (``numpy.allclose``).
    over : sequence of mappings, optional
        Combinations of options to grade one after the other, each added to
        ``options`` (e.g. ``[{"stride": 1}, {"stride": 2, "padding": 1}]``);
        every combination runs all the cases, and a failure names its
        combination. Each combination must define at least one case.
    forbid : str or sequence of str
        What ``fn`` must not call: ``"convlab"`` for any function of the
        package, or names of convlab's public functions (``("conv2d",
        "unfold")``). A case in which ``fn`` made such a call fails, and the
        failure names the function.
    **options
        Passed to the reference (e.g. ``mode="same"``, ``stride=2``);
        ``ndim`` chooses the dimensionality of ``correlate``/``convolve``
        cases and ``groups`` is also used to build ``conv1d/2d`` cases.

    Returns
    -------
    CheckResult
        Prints as a one-line verdict, or the first failing case in full.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> def mine(x, w):
    ...     return np.array([x[i:i + len(w)] @ w for i in range(len(x) - len(w) + 1)])
    >>> convlab.check(mine, "correlate")
    ✔ correlate: all 26 cases passed
    >>> def flipped(x, w):
    ...     return mine(x, w[::-1])
    >>> result = convlab.check(flipped, "correlate")
    >>> result.ok, result.failures[0].label
    (False, 'kernel as long as the signal')
    >>> def same(x, w, mode):
    ...     return convlab.correlate(x, w, mode)
    >>> convlab.check(same, "correlate", pass_options=True, over=[{"mode": m} for m in ("valid", "full")])
    ✔ correlate: all 52 cases passed (2 combinations of options)
    >>> result = convlab.check(lambda x, w: convlab.correlate(x, w), "correlate", forbid="convlab")
    >>> result.ok, result.failures[0].why
    (False, 'called convlab.conv.correlate, which this exercise forbids')
    """
    choice("task", task, tuple(TASKS))
    function("fn", fn)
    watch = _Watch(forbid)
    if over is None:
        return _check_one(fn, task, n_random, seed, rtol, atol, pass_options, options, "", watch)
    if isinstance(over, (str, bytes, Mapping)) or not isinstance(over, Sequence) or not over:
        raise TypeError(f"over must be a non-empty sequence of option mappings; got {over!r}")
    result = CheckResult(task, 0, combinations=len(over))
    for combination in over:
        if not isinstance(combination, Mapping):
            raise TypeError(f"over must hold mappings of options; got {combination!r}")
        merged = {**options, **combination}
        prefix = ", ".join(f"{k}={v!r}" for k, v in combination.items())
        part = _check_one(fn, task, n_random, seed, rtol, atol, pass_options, merged, prefix + ": ", watch)
        result.total += part.total
        result.failures += part.failures
    return result


def _check_one(fn: Callable, task: str, n_random: int, seed: int, rtol: float, atol: float,
               pass_options: bool, options: dict, prefix: str, watch: _Watch) -> CheckResult:
    """:func:`check` for one combination of options; ``prefix`` starts every case's label."""
    spec = TASKS[task]
    ref_options = {k: v for k, v in options.items() if k not in _CASE_OPTIONS}
    rng = np.random.default_rng(seed)
    result = CheckResult(task, 0)
    for label, args in spec.cases(rng, n_random, **options):
        label = prefix + label
        try:
            expected = spec.reference(*args, **ref_options)
        except ValueError as exc:
            if spec.refuses and str(exc).startswith(_IMPOSSIBLE):
                result.total += 1  # an impossible layer: the reader's function must refuse it too
                why = _refusal(fn, args, ref_options if pass_options else {}, watch)
                if why:
                    result.failures.append(Failure(label, args, f"ValueError ({exc})", None, why))
                continue
            continue  # this case is not defined for these options (e.g. a stride of 0)
        result.total += 1
        try:
            got = watch(fn, [np.copy(a) if isinstance(a, np.ndarray) else a for a in args],
                        ref_options if pass_options else {})
        except Exception as exc:  # noqa: BLE001 - a crash is a failed case, reported
            why = f"raised {type(exc).__name__}: {exc}"
            if watch.called:
                why = f"called {watch.called}, which this exercise forbids (then {why})"
            result.failures.append(Failure(label, args, expected, None, why))
            continue
        why = (f"called {watch.called}, which this exercise forbids" if watch.called
               else _compare(expected, got, rtol, atol))
        if why:
            result.failures.append(Failure(label, args, expected, got, why))
    if result.total == 0:
        raise ValueError(f"no case is defined for task {task!r} with options {options}")
    return result


def _refusal(fn: Callable, args: tuple, kwargs: dict, watch: _Watch) -> str | None:
    """Why ``fn`` failed to refuse an impossible layer with a ValueError (None if it did)."""
    try:
        got = watch(fn, [np.copy(a) if isinstance(a, np.ndarray) else a for a in args], kwargs)
    except ValueError:
        return f"called {watch.called}, which this exercise forbids" if watch.called else None
    except Exception as exc:  # noqa: BLE001 - the wrong exception is a failed case, reported
        return f"raised {type(exc).__name__}: {exc}; an impossible layer must raise ValueError"
    return (f"returned {_show(got)} for a layer whose kernel does not fit; "
            "it must raise ValueError instead")


__all__ = ["check", "CheckResult", "Failure", "TASKS"]

