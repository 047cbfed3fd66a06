"""The tasks: which convlab function is the reference, the cases, and how to write the call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import conv, grad, local, pooling, shapes, transposed
from . import cases as c


@dataclass(frozen=True)
class Task:
    """One gradable task.

    ``reference(*args, **options)`` is convlab's answer; ``family`` makes
    the cases; ``kind`` says which mistakes apply; ``call`` is the
    reference written out for the report (``{opts}`` stands for the
    options); ``refuses``: a case whose layer is impossible must make the
    reader's function raise ``ValueError`` too; ``case_options`` shape the
    cases and are not passed to the reference.
    """

    reference: Callable
    family: c.Family
    kind: str
    call: str
    refuses: bool = False
    case_options: tuple[str, ...] = ()


def _single(layer: Callable) -> Callable:
    """``layer`` (conv1d or conv2d) on one signal or image without batch and channel axes."""
    def reference(x, w, **options):
        return layer(x[None, None], w[None, None], **options)[0, 0]
    return reference



TASKS: dict[str, Task] = {
    "correlate": Task(conv.correlate, c.SIGNAL, "signal", "convlab.correlate(x, w{opts})",
                      case_options=("ndim", "kernel_size")),
    "convolve": Task(conv.convolve, c.SIGNAL, "signal", "convlab.convolve(x, w{opts})",
                     case_options=("ndim", "kernel_size")),
    "conv1d": Task(conv.conv1d, c.layer_family(1), "layer", "convlab.conv1d({args}{opts})",
                   case_options=("bias",)),
    "conv2d": Task(conv.conv2d, c.layer_family(2), "layer", "convlab.conv2d({args}{opts})",
                   case_options=("bias",)),
    "conv1d_single": Task(_single(conv.conv1d), c.single_family(1), "signal",
                          "convlab.conv1d(x[None, None], w[None, None]{opts})[0, 0]", refuses=True),
    "conv2d_single": Task(_single(conv.conv2d), c.single_family(2), "signal",
                          "convlab.conv2d(x[None, None], w[None, None]{opts})[0, 0]", refuses=True),
    "output_size": Task(shapes.output_size, c.SIZE, "size", "convlab.output_size(n, k{opts})", refuses=True),
    "conv1d_weight": Task(grad.conv1d_weight, c.gradient_family(1, "weight"), "weight",
                          "convlab.grad.conv1d_weight(x, weight_size, grad_output{opts})"),
    "conv2d_weight": Task(grad.conv2d_weight, c.gradient_family(2, "weight"), "weight",
                          "convlab.grad.conv2d_weight(x, weight_size, grad_output{opts})"),
    "conv1d_input": Task(grad.conv1d_input, c.gradient_family(1, "input"), "input",
                         "convlab.grad.conv1d_input(input_size, w, grad_output{opts})"),
    "conv2d_input": Task(grad.conv2d_input, c.gradient_family(2, "input"), "input",
                         "convlab.grad.conv2d_input(input_size, w, grad_output{opts})"),
    "max_pool2d_backward": Task(pooling.max_pool2d_backward, c.POOL, "pool",
                                "convlab.max_pool2d_backward(grad_output, x{opts})"),
    "conv_transpose1d": Task(transposed.conv_transpose1d,
                             c.Family(("x", "w"), lambda rng, n, **kw: c.transposed_cases(rng, n, nd=1, **kw),
                                      c.transposed_smaller),
                             "transposed", "convlab.conv_transpose1d(x, w{opts})"),
    "conv_transpose2d": Task(transposed.conv_transpose2d,
                             c.Family(("x", "w"), lambda rng, n, **kw: c.transposed_cases(rng, n, nd=2, **kw),
                                      c.transposed_smaller),
                             "transposed", "convlab.conv_transpose2d(x, w{opts})"),
    "locally_connected2d": Task(local.locally_connected2d, c.LOCAL, "local",
                                "convlab.locally_connected2d({args}{opts})", case_options=("bias",)),
    "locally_connected2d_weight": Task(local.locally_connected_weight, c.LOCAL_WEIGHT, "weight",
                                       "convlab.local.locally_connected_weight(x, weight_size, "
                                       "grad_output{opts})"),
}

#: the options each task's cases and reference understand (anything else is refused by name)
OPTIONS: dict[str, tuple[str, ...]] = {
    "correlate": ("mode", "ndim", "kernel_size"),
    "convolve": ("mode", "ndim", "kernel_size"),
    "conv1d": ("stride", "padding", "dilation", "groups", "padding_mode", "bias"),
    "conv2d": ("stride", "padding", "dilation", "groups", "padding_mode", "bias"),
    "conv1d_single": ("stride", "padding", "dilation", "padding_mode"),
    "conv2d_single": ("stride", "padding", "dilation", "padding_mode"),
    "output_size": ("stride", "padding", "dilation", "transposed", "output_padding"),
    "conv1d_weight": ("stride", "padding", "dilation", "groups"),
    "conv2d_weight": ("stride", "padding", "dilation", "groups"),
    "conv1d_input": ("stride", "padding", "dilation", "groups"),
    "conv2d_input": ("stride", "padding", "dilation", "groups"),
    "max_pool2d_backward": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "conv_transpose1d": ("stride", "padding", "output_padding", "groups", "dilation"),
    "conv_transpose2d": ("stride", "padding", "output_padding", "groups", "dilation"),
    "locally_connected2d": ("stride", "padding", "dilation", "padding_mode", "bias"),
    "locally_connected2d_weight": ("stride", "padding", "dilation", "padding_mode"),
}


def family_of(name: str, options: dict) -> c.Family:
    """The task's family; ``bias=True`` gives ``conv1d``/``conv2d`` cases with a bias (a third argument)."""
    task = TASKS[name]
    if task.kind == "layer" and options.get("bias"):
        return c.Family(("x", "w", "bias"), task.family.cases, task.family.smaller, linear=(0, 1, 2))
    return task.family


def call_text(name: str, n_args: int, options: dict) -> str:
    """The reference call for the report, e.g. ``convlab.conv1d(x, w, stride=2)``."""
    task = TASKS[name]
    names = family_of(name, options).names[:n_args]
    opts = "".join(f", {k}={v!r}" for k, v in options.items() if k not in task.case_options)
    return task.call.format(args=", ".join(names), opts=opts)
