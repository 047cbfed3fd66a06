"""Validation and normalisation of every public argument, in one place.

One policy everywhere: ``TypeError`` for a value of the wrong type,
``ValueError`` for a value of the right type that is not allowed, each
message naming the argument, what it got and what is allowed.

* :mod:`~convlab._validate.scalars`: :func:`positive_int`,
  :func:`non_negative_int`, :func:`flag`, :func:`int_tuple`,
  :func:`shape_tuple`, :func:`choice`, :func:`size_param` (an int or a SymPy
  expression);
* :mod:`~convlab._validate.arrays`: :func:`as_array` (numeric or SymPy),
  :func:`real_array` (figures) and :func:`result_dtype`; both array readers
  pass every argument through :func:`host_array` first, which reads a CPU
  torch tensor without grad through ``Tensor.numpy()`` (no copy; results are
  numpy arrays) and refuses, with a ``TypeError`` saying what to call, a
  tensor that requires grad (``.detach()``), one on another device
  (``.cpu()``), one of a dtype numpy lacks such as bfloat16 (``.float()``),
  and a ``numpy.ma.MaskedArray`` (``.filled(value)``: its mask would be
  ignored);
* :mod:`~convlab._validate.conv_geometry`, from shapes alone:
  :func:`padding_pairs` and :func:`geometry` (input and kernel shape, stride,
  padding, dilation -> padding pairs and output shape), remembered per call
  signature so that a repeated call costs a dictionary look-up;
* :mod:`~convlab._validate.transposed`, the transposed convolution, the
  adjoint of ``convnd``: :func:`transposed_padding` and
  :func:`transposed_geometry` (a :class:`TransposedGeometry`, cached like
  :func:`geometry`);
* :mod:`~convlab._validate.problem`: the :class:`Problem` every whole call
  is turned into;
* whole problems: :func:`prepare_conv` and :func:`prepare_transposed`
  (:mod:`~convlab._validate.layers`) and :func:`prepare_correlate`
  (:mod:`~convlab._validate.signals`, with :func:`explained_call`, which call
  ``explain_method`` describes), which every public entry point calls
  *before* any shortcut or dispatch, so all methods see the same normalised
  :class:`Problem` and raise the same errors; ``correlate``'s ``axes``
  (:func:`correlate_axes`) and the batch axes they leave become the batch,
  groups and channels of that problem (:class:`SignalLayout` maps the result
  back);
* :mod:`~convlab._validate.gradients`, of a convolution (:mod:`convlab.grad`):
  :func:`prepare_input_grad` and :func:`prepare_weight_grad`;
* :mod:`~convlab._validate.pooling` (:mod:`convlab.pooling`):
  :func:`pool_geometry` (a :class:`PoolGeometry`), :func:`pool_output_size`,
  :func:`pool_input` and :func:`pool_grad_output`.

Every name is importable from here as well as from its module.
"""

from __future__ import annotations

from .arrays import (
    as_array,
    check_integer_range,
    check_integer_sum,
    host_array,
    max_abs,
    real_array,
    result_dtype,
)
from .conv_geometry import PADDING_MODES, PADDING_STRINGS, Geometry, geometry, padding_pairs
from .gradients import prepare_input_grad, prepare_weight_grad
from .layers import prepare_conv, prepare_transposed
from .pooling import PoolGeometry, pool_geometry, pool_grad_output, pool_input, pool_output_size
from .problem import Problem, check_method, method_names
from .scalars import (
    choice,
    flag,
    function,
    int_in_range,
    int_tuple,
    is_symbolic,
    non_negative_int,
    nonempty_str,
    positive_int,
    real_number,
    sequence_items,
    shape_tuple,
    size_param,
)
from .signals import MODES, SignalLayout, correlate_axes, explained_call, prepare_correlate
from .transposed import TransposedGeometry, transposed_geometry, transposed_padding

__all__ = [
    "MODES", "PADDING_MODES", "PADDING_STRINGS",
    "Geometry", "PoolGeometry", "Problem", "SignalLayout", "TransposedGeometry",
    "as_array", "check_integer_range", "check_integer_sum", "check_method", "choice", "correlate_axes",
    "explained_call",
    "flag", "function", "geometry", "host_array", "int_in_range", "int_tuple", "is_symbolic", "max_abs",
    "method_names", "non_negative_int",
    "nonempty_str", "padding_pairs", "pool_geometry", "pool_grad_output", "pool_input",
    "pool_output_size", "positive_int", "prepare_conv", "prepare_correlate", "prepare_input_grad",
    "prepare_transposed", "prepare_weight_grad", "real_array", "real_number", "result_dtype",
    "sequence_items", "shape_tuple", "size_param", "transposed_geometry", "transposed_padding",
]
