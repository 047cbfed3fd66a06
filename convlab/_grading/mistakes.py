"""The classic mistakes, each recognised by recomputing the reference with it.

A diagnosis is never a guess from the size of an error: for a failed case,
each mistake that applies to the task recomputes the answer *with that
mistake* (the kernel flipped, the stride forgotten, the padding on one side,
the bias left out, the inputs rounded to float32...) and compares it with the
reader's answer, within the case's tolerance. The first mistake that
reproduces the reader's answer exactly names the failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .tolerance import close

#: option -> its default, for "option ignored"
DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1, "mode": "valid", "output_padding": 0}


@dataclass
class Context:
    """What a mistake may look at: the case, the reference and the reader's answer."""

    task: str
    kind: str                       # signal, layer, transposed, local, weight, input, pool, size
    reference: Callable             # reference(*args, **options)
    args: tuple
    options: dict                   # the reference's options
    expected: object
    got: object
    bound: float                    # the case's tolerance
    bound32: float                  # the same tolerance at float32 precision
    pass_options: bool
    notes: dict = field(default_factory=dict)

    def ref(self, *args, **changes):
        """The reference on ``args`` with ``changes`` to the options (None if it refuses)."""
        options = {k: v for k, v in {**self.options, **changes}.items() if v is not _DROP}
        try:
            return self.reference(*args, **options)
        except (ValueError, TypeError, IndexError):
            return None


_DROP = object()


@dataclass(frozen=True)
class Diagnosis:
    """A recognised mistake: ``name`` (a few words) and ``advice`` (what to fix)."""

    name: str
    advice: str

    def __str__(self) -> str:
        return f"{self.name}: {self.advice}"


def _spatial_axes(ctx: Context) -> tuple[int, ...]:
    x = ctx.args[0]
    if ctx.kind == "signal":
        return tuple(range(x.ndim))
    return tuple(range(2, x.ndim))


def _kernel_axes(ctx: Context) -> tuple[int, ...]:
    w = ctx.args[1]
    if ctx.kind == "signal":
        return tuple(range(w.ndim))
    if ctx.kind == "local":
        return (4, 5)
    return tuple(range(2, w.ndim))


def _hint(ctx: Context) -> str:
    if ctx.pass_options:
        return ""
    return " (your function gets the options only with pass_options=True)"


# --------------------------------------------------------------------------
# the mistakes: each yields (mistaken answer, Diagnosis) pairs to compare
# --------------------------------------------------------------------------

def ignored_option(ctx: Context) -> Iterator:
    for name, value in ctx.options.items():
        if name in DEFAULTS and value != DEFAULTS[name] and not (name == "padding" and value == "valid"):
            yield ctx.ref(*ctx.args, **{name: DEFAULTS[name]}), Diagnosis(
                f"{name} ignored",
                f"your answer is what {name}={DEFAULTS[name]!r} gives, but this case has "
                f"{name}={value!r}{_hint(ctx)}")


def stride_dilation_swapped(ctx: Context) -> Iterator:
    s, d = ctx.options.get("stride", 1), ctx.options.get("dilation", 1)
    if s != d:
        yield ctx.ref(*ctx.args, stride=d, dilation=s), Diagnosis(
            "stride and dilation swapped",
            f"your answer is what stride={d!r}, dilation={s!r} gives: the stride moves the window, "
            "the dilation spaces the taps inside it")


_WINDOWS = ("windows of d(k-1)+1 samples start at 0, s, 2s, ... as long as they fit the n + 2p "
            "padded samples: range(0, n + 2p - d*(k-1), s)")
_TRANSPOSED_LENGTH = "a transposed convolution has (n-1)s - 2p + d(k-1) + p_out + 1 output cells"


def _outputs(m: int, n: int, axis: int) -> str:
    return f"{m} output{'s' * (m != 1)} along axis {axis} where there {'is' if n == 1 else 'are'} {n}"


def off_by_one(ctx: Context) -> Iterator:
    """One output too few or too many, along an axis of output positions (none for gradients)."""
    expected, got = ctx.expected, ctx.got
    if ctx.kind == "size":
        if not isinstance(expected, (int, np.integer)):
            return
        transposed = ctx.options.get("transposed", False)
        for delta, more in ((-1, "few"), (1, "many")):
            size = f"your size is {'one less' if delta < 0 else 'one more'} than"
            yield expected + delta, (
                Diagnosis(f"one output too {more}", f"{size} the right one: {_TRANSPOSED_LENGTH}")
                if transposed else
                Diagnosis(f"one window too {more}", f"{size} the number of window positions, "
                          f"floor((n + 2p - d(k-1) - 1)/s) + 1: {_WINDOWS}"))
        return
    if ctx.kind not in ("signal", "layer", "local", "transposed"):
        return
    if not isinstance(expected, np.ndarray) or not isinstance(got, np.ndarray) \
            or got.ndim != expected.ndim:
        return
    for axis in _spatial_axes(ctx):
        n, m = expected.shape[axis], got.shape[axis]
        if ctx.kind == "transposed":
            if abs(m - n) == 1:
                more = "few" if m < n else "many"
                yield got, Diagnosis(f"one output too {more}", f"your answer has "
                                     f"{_outputs(m, n, axis)}: {_TRANSPOSED_LENGTH}")
            continue
        if m == n - 1:
            for end, where in ((slice(0, n - 1), "last"), (slice(1, n), "first")):
                yield _take(expected, axis, end), Diagnosis(
                    "one window too few",
                    f"your answer has {_outputs(m, n, axis)}: the {where} window is "
                    f"missing ({_WINDOWS}, not one start fewer)")
        if m == n + 1:
            for end, where in ((slice(0, m - 1), "last"), (slice(1, m), "first")):
                if close(_take(got, axis, end), expected, ctx.bound):
                    yield got, Diagnosis(
                        "one window too many",
                        f"your answer has {_outputs(m, n, axis)}: the {where} one is "
                        f"extra ({_WINDOWS})")


def _take(a: np.ndarray, axis: int, index) -> np.ndarray:
    where = [slice(None)] * a.ndim
    where[axis] = index
    return a[tuple(where)]


def flipped(ctx: Context) -> Iterator:
    if ctx.kind not in ("signal", "layer", "transposed", "local"):
        return
    x, w, *rest = ctx.args
    axes = _kernel_axes(ctx)
    if ctx.kind == "signal":
        flip = "np.flip(w)"
    else:
        negative = tuple(a - w.ndim for a in axes)
        flip = f"np.flip(w, {negative[0] if len(negative) == 1 else negative})"
    if ctx.task == "convolve":
        what = ("kernel not flipped", "your answer is a correlation; a convolution flips the kernel: "
                f"in valid mode y[i] = sum_a x[i + a] w[k-1-a], i.e. correlate with {flip} "
                "(every kernel axis)")
    elif ctx.kind == "transposed":
        what = ("kernel flipped", "your answer is the right one for the kernel reversed: a transposed "
                "convolution scatters x[m] * w[a] into y[m*s + a*d - p], so written as a correlation "
                f"of the stretched, padded input it must use {flip} (correlating with w itself "
                "reverses every copy of the kernel)")
    else:
        what = ("flipped kernel", "your answer is a convolution (the kernel flipped); this task is a "
                "correlation, as in torch: y[i] = sum_a x[i + a] w[a], w not flipped")
    yield ctx.ref(x, np.flip(w, axes), *rest), Diagnosis(*what)
    if len(axes) == 2:
        for axis in axes:
            # the reference with the kernel flipped along `axis`: for a convolution that is a
            # correlation with the kernel flipped along the *other* axis
            shown = axes[1 - axes.index(axis)] if ctx.task == "convolve" else axis
            verb = "correlates with the kernel flipped" if ctx.task == "convolve" else "flips the kernel"
            yield ctx.ref(x, np.flip(w, axis), *rest), Diagnosis(
                "kernel flipped along one axis", f"your answer {verb} along axis {shown} only; "
                f"a 2-D flip ({flip}, a 180-degree turn) reverses both kernel axes")


def swapped_channels(ctx: Context) -> Iterator:
    if ctx.kind in ("layer", "transposed") and ctx.args[1].ndim >= 3:
        x, w, *rest = ctx.args
        if ctx.kind == "layer":
            layout = "(C_out, C_in/groups, *k), so w[o, c] weighs input channel c into output channel o"
        else:
            layout = ("(C_in, C_out/groups, *k) in a transposed convolution, so w[c, o] scatters "
                      "input channel c into output channel o")
        yield ctx.ref(x, np.swapaxes(w, 0, 1), *rest), Diagnosis(
            "swapped channel axes", f"your answer reads w's first two axes the other way round; w is "
            f"{layout}")
    expected = ctx.expected
    if isinstance(expected, np.ndarray) and expected.ndim >= 3 \
            and ctx.kind not in ("signal", "size", "weight"):
        yield np.swapaxes(expected, 0, 1), Diagnosis(
            "swapped channel axes", "your answer's first two axes are swapped: the result is "
            "(N, C, *spatial), batch first")
        yield np.moveaxis(expected, 1, -1), Diagnosis(
            "channels last", "your answer has the channels last; the result is (N, C, *spatial), "
            "channels second")


def transposed_slice(ctx: Context) -> Iterator:
    expected = ctx.expected
    if ctx.kind in ("layer", "transposed") and ctx.args[1].ndim == 4:
        x, w, *rest = ctx.args
        yield ctx.ref(x, np.swapaxes(w, -1, -2), *rest), Diagnosis(
            "transposed weight slice", "your answer uses each kernel transposed (w[..., b, a] where "
            "w[..., a, b] belongs): rows of the kernel go with rows of the input")
    if ctx.kind == "weight" and isinstance(expected, np.ndarray):
        yield np.swapaxes(expected, 0, 1), Diagnosis(
            "transposed weight slice", "your gradient's (C_out, C_in) slices are transposed: "
            "dw[o, c] = sum over samples and positions of dy[n, o] x[n, c]")
        if expected.ndim == 4:
            yield np.swapaxes(expected, -1, -2), Diagnosis(
                "transposed weight slice", "your gradient's kernel axes are swapped: dw[..., a, b] "
                "belongs to tap (a, b), row a")
    if ctx.kind == "input" and ctx.args[1].ndim >= 3:
        size, w, dy = ctx.args
        yield ctx.ref(size, np.swapaxes(w, 0, 1), dy), Diagnosis(
            "transposed weight slice", "your answer uses w[c, o] for w[o, c]: the input gradient "
            "sends dy[o] back through w[o, c] to input channel c")


def one_sided_padding(ctx: Context) -> Iterator:
    if ctx.kind not in ("signal", "layer", "local"):
        return
    x, w, *rest = ctx.args
    axes = _spatial_axes(ctx)
    mode = ctx.options.get("mode")
    if ctx.task in ("correlate", "convolve"):
        if mode not in ("same", "full"):
            return
        for axis in axes:
            k = w.shape[axis]
            total = (k - 1) if mode == "same" else 2 * (k - 1)
            right = k // 2 if mode == "same" else k - 1          # zeros before: convlab's (and scipy's)
            splits = range(total + 1) if mode == "same" else (0, total)
            for before in splits:
                if before == right:
                    continue
                pads = [(0, 0)] * x.ndim
                pads[axis] = (before, total - before)
                yield ctx.ref(np.pad(x, pads), w, *rest, mode="valid"), Diagnosis(
                    "padding on the wrong side", f"your answer pads {before} before and {total - before} "
                    f"after along axis {axis}; mode={mode!r} pads {right} before and {total - right} after")
        return
    p = ctx.options.get("padding", 0)
    if not isinstance(p, (int, np.integer)) or p <= 0:
        return
    for before, after in ((2 * p, 0), (0, 2 * p), (p, 0), (0, p)):
        pads = [(0, 0)] * x.ndim
        for axis in axes:
            pads[axis] = (before, after)
        yield ctx.ref(np.pad(x, pads), w, *rest, padding=0), Diagnosis(
            "padding on one side only", f"your answer pads {before} before and {after} after each "
            f"axis; padding={p} puts {p} zero{'s' * (p != 1)} on both sides")


def missing_bias(ctx: Context) -> Iterator:
    if ctx.kind in ("layer", "local") and len(ctx.args) == 3 and ctx.args[2] is not None:
        where = ("bias[o, i, j] to output channel o at position (i, j)" if ctx.kind == "local"
                 else "bias[o] to every output of channel o")
        yield ctx.ref(*ctx.args[:2]), Diagnosis(
            "missing bias", f"your answer equals the layer without its bias: add {where}")


def integer_truncation(ctx: Context) -> Iterator:
    expected = ctx.expected
    if not isinstance(expected, np.ndarray) or expected.dtype.kind not in "fc":
        return
    if np.array_equal(np.trunc(expected.real), expected.real):
        return                                          # nothing to truncate
    advice = ("your answer is the right one with its fractions cut off: the output was allocated "
              "with an integer dtype (np.zeros_like(x) of an integer x?); allocate it with "
              "np.result_type(x, w) or float")
    yield np.trunc(expected.real), Diagnosis("integer truncation", advice)
    yield np.floor(expected.real), Diagnosis("integer truncation", advice)


def float32_arithmetic(ctx: Context) -> Iterator:
    got = ctx.got
    if not isinstance(got, np.ndarray) or got.dtype != np.float64:
        return
    arrays = [a for a in ctx.args if isinstance(a, np.ndarray)]
    if not arrays or not all(a.dtype == np.float64 for a in arrays if a.dtype.kind == "f"):
        return
    single = [a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
              for a in ctx.args]
    answer = ctx.ref(*single)
    # the reader's float64 numbers must all be float32 numbers (computed in float32, then widened),
    # float32 arithmetic must change this case's answer, and it must come out as the reader's
    widened = bool(np.all(got.astype(np.float32).astype(np.float64) == got))
    if widened and answer is not None and not close(answer, ctx.expected, ctx.bound) \
            and close(got, answer, ctx.bound32) and not close(got, ctx.expected, ctx.bound):
        ctx.notes["loose"] = True
        yield got, Diagnosis(
            "float32 arithmetic", "your float64 answer is only as accurate as float32: somewhere the "
            "float64 inputs were computed in float32 (an array allocated as float32, or a cast); "
            "keep float64, or return float32 to be graded at float32 precision")


def overlapping_windows_assigned(ctx: Context) -> Iterator:
    if ctx.kind != "pool":
        return
    from ..pooling import max_pool2d
    dy, x = ctx.args
    opts = {k: v for k, v in ctx.options.items() if k != "kernel_size"}
    try:
        _, where = max_pool2d(x, ctx.options["kernel_size"], return_indices=True, **opts)
    except (ValueError, TypeError):
        return
    dx = np.zeros((*x.shape[:2], x.shape[2] * x.shape[3]), dtype=np.result_type(dy, float))
    flat = where.reshape(*where.shape[:2], -1)
    values = dy.reshape(*dy.shape[:2], -1)
    for n, c in np.ndindex(*x.shape[:2]):
        dx[n, c][flat[n, c]] = values[n, c]             # assignment: the last window wins
    yield dx.reshape(x.shape), Diagnosis(
        "= instead of +=", "where windows overlap, a cell that is the maximum of several windows "
        "must receive the sum of their gradients (+=); your answer keeps only one (=)")


MISTAKES = (ignored_option, stride_dilation_swapped, off_by_one, flipped, swapped_channels,
            transposed_slice, one_sided_padding, missing_bias, integer_truncation,
            overlapping_windows_assigned, float32_arithmetic)


def diagnose(ctx: Context) -> Diagnosis | None:
    """The first classic mistake whose recomputation reproduces the reader's answer, or None."""
    if ctx.got is None:
        return None
    for mistake in MISTAKES:
        try:
            for answer, diagnosis in mistake(ctx):
                if answer is None:
                    continue
                if answer is ctx.got or _same(answer, ctx.got, ctx):
                    if not _same(answer, ctx.expected, ctx):   # the mistake must change the answer
                        return diagnosis
        except (ValueError, TypeError, IndexError, FloatingPointError):
            continue
    return None


def _same(a, b, ctx: Context) -> bool:
    if not isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001
            return False
    return close(a, b, ctx.bound)
