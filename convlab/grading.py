"""Grade a reader's own implementation against convlab, case by case.

Exercises in the book end with a call such as::

    convlab.check(my_correlate, "correlate", mode="valid")

which runs ``my_correlate`` on labelled edge cases and seeded random cases,
compares every answer with convlab's (shape first, then values, within a
tolerance that follows the dtypes: integers exactly, float64 and float32
answers each at their own precision), and reports in a few lines: the
verdict, the classic mistake the answer shows if it shows one (a flipped
kernel, one window too few, the stride ignored, ...: recognised by
recomputing the reference with that mistake), and the smallest failing case
in full, shrunk from the failures found, with a line that reproduces it.
``over=`` repeats the cases for several combinations of options, and
``forbid=`` fails every case in which the reader's function called
convlab itself, so that an exercise that says "without convlab" is graded
on it.

The parts live in :mod:`convlab._grading` (cases, tolerances, mistakes,
report); this module is the entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from ._grading.report import CheckResult
from ._grading.run import Failure, Grader
from ._grading.tasks import OPTIONS, TASKS
from ._grading.watch import Watch
from ._validate import choice, flag, function, int_in_range, real_number

#: the most random cases one check may run (each calls the reader's function once)
MAX_RANDOM = 10_000

_POSITIVE = ("stride", "dilation", "groups", "kernel_size", "ndim")
_NON_NEGATIVE = ("padding", "output_padding")


def _validate_option(task: str, name: str, value) -> None:
    """A clear error for an option the task does not know or a geometry value no case can have."""
    if name not in OPTIONS[task]:
        raise TypeError(f"check got an unexpected option {name!r} for task {task!r}; "
                        f"its options are {', '.join(OPTIONS[task])}")
    values = value if isinstance(value, tuple) else (value,)
    if name in _POSITIVE or name in _NON_NEGATIVE:
        if name == "padding" and isinstance(value, str):
            return
        if name == "stride" and value is None and task == "max_pool2d_backward":
            return
        for v in values:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                what = "a positive int" if name in _POSITIVE else "a non-negative int"
                raise TypeError(f"{name} must be {what} (or a tuple of them); got {value!r} "
                                f"of type {type(value).__name__}")
            if v < (1 if name in _POSITIVE else 0):
                what = "a positive int" if name in _POSITIVE else "a non-negative int"
                raise ValueError(f"{name} must be {what}; got {value!r}")
        if name == "ndim" and value not in (1, 2):
            raise ValueError(f"ndim must be 1 or 2; got {value!r}")
    if name in ("bias", "transposed", "ceil_mode"):
        flag(name, value)
    if name == "mode":
        choice("mode", value, ("valid", "same", "full"))


def check(fn: Callable, task: str, *, n_random: int = 20, seed: int = 0, rtol: float | None = None,
          atol: float | None = None, pass_options: bool = False,
          over: Sequence[Mapping[str, object]] | None = None, forbid: str | Iterable[str] = (),
          **options) -> CheckResult:
    """Run ``fn`` on edge and random cases and compare it with convlab.

    Parameters
    ----------
    fn : callable
        The reader's function. It is called with the case's positional
        arguments (``(x, w)`` for convolutions, ``(n, k)`` for
        ``output_size``, see ``task`` for the others) and, if
        ``pass_options``, the ``options`` as keywords.
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
        ``(C_out, H_out, W_out)``, as :func:`convlab.locally_connected2d`;
        every other case has a bias, ``bias=False`` leaves it out) and its
        weight gradient ``"locally_connected2d_weight"``
        (``fn(x, weight_size, grad_output)``, as
        :func:`convlab.local.locally_connected_weight`).
        ``conv1d_single`` and ``conv2d_single`` are those layers on one
        signal or image without batch and channel axes: ``fn(x, w)`` gets a
        1-D (2-D) ``x`` and ``w`` and must return what
        ``conv1d(x[None, None], w[None, None])[0, 0]`` returns (``conv2d``
        likewise); ``conv1d``/``conv2d`` with ``bias=True`` call
        ``fn(x, w, bias)``. The gradient tasks call ``fn`` with
        ``torch.nn.grad``'s arguments, ``(x, weight_size, grad_output)``
        for a weight gradient and ``(input_size, w, grad_output)`` for an
        input gradient, with a ``grad_output`` of the layer's output shape
        for the options; ``max_pool2d_backward`` calls ``fn(grad_output,
        x)`` and needs ``kernel_size`` among the options.
        For ``output_size``, ``conv1d_single`` and ``conv2d_single`` a case
        whose layer is impossible (convlab refuses it: the dilated kernel
        does not fit the padded input) is graded too: ``fn`` must raise
        ``ValueError`` there, and a number or an array it returns fails.
    n_random, seed : int
        How many random cases (0 to 10 000; each calls ``fn`` once more),
        and the seed that makes them reproducible.
    rtol, atol : float, optional
        By default the tolerance follows the dtypes: integer inputs are
        compared exactly, and otherwise an answer passes when
        ``|got - expected| <= 2 K eps S``, ``eps`` that of the coarsest
        floating type among the inputs and the answer (a float32 answer is
        graded at float32 precision, and the result says so), ``K`` the
        most terms of an output and ``S`` the largest sum of ``|terms|``
        of an output. ``rtol`` replaces ``2 K eps``; ``atol`` is added.
        A failure says which tolerance it was held to and why.
    pass_options : bool
        Whether ``fn`` gets the options as keyword arguments.
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
        cases and ``kernel_size`` (an int, or one per axis) fixes their
        kernel's size, for an answer written for one size only;
        ``groups`` is also used to build layer cases, and ``bias``
        chooses whether layer cases have a bias. An option the task does
        not know, or a geometry no case can have (``stride=0``), is refused.

    Returns
    -------
    CheckResult
        ``ok``; ``headline``, one line; ``failures``, every failed case
        (``label``, ``args``, ``expected``, ``got``, ``why``, ``tolerance``,
        ``diagnosis``, ``call``); ``smallest``, the smallest failing case
        (shrunk when first asked for, which calls ``fn`` again, at most 200
        times). Printed, a few lines: the verdict, the diagnosis and the
        smallest case in full; in a notebook, a short table.

    Examples
    --------
    >>> import numpy as np, convlab
    >>> def mine(x, w):
    ...     return np.array([x[i:i + len(w)] @ w for i in range(len(x) - len(w) + 1)])
    >>> convlab.check(mine, "correlate")
    ✔ correlate: all 27 cases passed
    >>> def flipped(x, w):
    ...     return mine(x, w[::-1])
    >>> result = convlab.check(flipped, "correlate")
    >>> result.headline
    '✘ correlate: 17 of 27 cases failed: flipped kernel'
    >>> print(result.smallest.call, result.smallest.args)
    flipped(x, w) (array([0., 1.]), array([1., 2.]))
    >>> def same(x, w, mode):
    ...     return convlab.correlate(x, w, mode)
    >>> convlab.check(same, "correlate", pass_options=True, over=[{"mode": m} for m in ("valid", "full")])
    ✔ correlate: all 54 cases passed (2 combinations of options)
    >>> result = convlab.check(lambda x, w: convlab.correlate(x, w), "correlate", forbid="convlab")
    >>> result.ok, result.failures[0].why
    (False, 'called convlab.conv.correlate, which this exercise forbids')
    """
    choice("task", task, tuple(TASKS))
    function("fn", fn)
    n_random = int_in_range("n_random", n_random, 0, MAX_RANDOM + 1)
    seed = int_in_range("seed", seed, 0, 2**63)
    if rtol is not None:
        rtol = real_number("rtol", rtol, "None or a non-negative finite number", low=0, closed="low")
    if atol is not None:
        atol = real_number("atol", atol, "None or a non-negative finite number", low=0, closed="low")
    pass_options = flag("pass_options", pass_options)
    watch = Watch(forbid)
    for name, value in options.items():
        _validate_option(task, name, value)
    grader = Grader(fn, task, rtol, atol, pass_options, watch)
    if over is None:
        combos, prefixes = [options], [""]
    else:
        if isinstance(over, (str, bytes, Mapping)) or not isinstance(over, Sequence) or not over:
            raise TypeError(f"over must be a non-empty sequence of option mappings; got {over!r}")
        combos, prefixes = [], []
        for combination in over:
            if not isinstance(combination, Mapping):
                raise TypeError(f"over must hold mappings of options; got {combination!r}")
            for name, value in combination.items():
                _validate_option(task, name, value)
            combos.append({**options, **combination})
            prefixes.append(", ".join(f"{k}={v!r}" for k, v in combination.items()) + ": ")
    result = CheckResult(task, 0, combinations=len(combos), grader=grader)
    for merged, prefix in zip(combos, prefixes, strict=True):
        rng = np.random.default_rng(seed)
        total = 0
        for label, args in grader.family(merged).cases(rng, n_random, **merged):
            counted, failure = grader.grade(prefix + label, args, merged)
            total += counted
            if failure is not None:
                result.failures.append(failure)
        if total == 0:
            raise ValueError(f"no case is defined for task {task!r} with options {merged}")
        result.total += total
    result.precisions = set(grader.precisions)
    return result


__all__ = ["check", "CheckResult", "Failure", "MAX_RANDOM", "TASKS"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
