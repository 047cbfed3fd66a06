"""Array arguments and the dtype of results.

:func:`as_array` (numeric or SymPy), :func:`real_array` (figures),
:func:`result_dtype` (the dtype every method returns) and
:func:`check_integer_range` and :func:`check_integer_sum` (an exact int64 result
must not overflow: checked before anything is summed).

Every array argument of the package (``x``, ``w``, ``bias``,
``grad_output``, ...) enters through :func:`as_array` or :func:`real_array`,
and both first pass it through :func:`host_array`, which decides two kinds
of input that :func:`numpy.asarray` would read wrongly or not at all:

* a **torch tensor** (told by its type's module and the ``requires_grad``,
  ``device`` and ``dtype`` it has; convlab never imports torch) on the CPU
  that does not require grad is read through ``Tensor.numpy()``, which
  shares its memory: no copy. The result is a numpy array, as for any
  input. A tensor that requires grad is refused (``TypeError``: call
  ``x.detach()`` first; convlab tracks no gradients), so is one on another
  device (call ``x.cpu()``) and one of a dtype numpy lacks, such as
  ``bfloat16`` (convert to float32, e.g. ``x.float()``): never torch's own
  ``RuntimeError``.
* a **masked array** (``numpy.ma.MaskedArray``) is refused with a
  ``TypeError``: reading it as an array would silently use the values under
  its mask. Pass ``x.filled(value)`` to say what the masked cells hold, or
  use ``numpy.ma.correlate``/``numpy.ma.convolve``.

Examples
--------
>>> import numpy as np, convlab
>>> masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0])
>>> convlab.correlate(masked, [1.0, 1.0])         # doctest: +ELLIPSIS
Traceback (most recent call last):
...
TypeError: x must be an array without a mask; got a numpy.ma.MaskedArray, ...: pass x.filled(value) ...
>>> convlab.correlate(masked.filled(0.0), [1.0, 1.0])
array([1., 3.])
"""

from __future__ import annotations

import functools
import numbers
import sys

import numpy as np

from .scalars import is_symbolic


def _is_symbolic_scalar(value) -> bool:
    return (isinstance(value, numbers.Number) and not isinstance(value, bool)) or is_symbolic(value)


def _is_torch_tensor(value) -> bool:
    """Whether ``value`` is a torch tensor, told by its type's module and the attributes every
    tensor has (convlab never imports torch)."""
    return (any(cls.__module__.partition(".")[0] == "torch" for cls in type(value).__mro__)
            and all(hasattr(value, attr) for attr in ("requires_grad", "device", "dtype", "numpy")))


def _from_tensor(name: str, value) -> np.ndarray:
    """A CPU torch tensor without grad as the ndarray sharing its memory (``Tensor.numpy``);
    ``TypeError`` for any other tensor, saying what to call first."""
    allowed = f"{name} must be an array or a torch tensor on the CPU that does not require grad"
    if value.requires_grad:
        raise TypeError(f"{allowed}; got a tensor that requires grad (convlab returns numpy arrays and "
                        f"does not track gradients): call {name}.detach() first")
    device = value.device
    if getattr(device, "type", str(device)) != "cpu":
        raise TypeError(f"{allowed}; got a tensor on device {str(device)!r}: call {name}.cpu() first")
    try:
        return value.numpy()
    except (TypeError, RuntimeError) as exc:
        dtype = value.dtype
        if str(getattr(value, "layout", "torch.strided")) != "torch.strided":
            fix = f"call {name}.to_dense() first"
        elif getattr(value, "is_conj", lambda: False)() or getattr(value, "is_neg", lambda: False)():
            fix = f"call {name}.resolve_conj().resolve_neg() first"
        elif getattr(dtype, "is_complex", False):
            fix = f"numpy has no {dtype}: convert to complex64 (e.g. {name}.to(torch.complex64))"
        else:
            fix = f"numpy has no {dtype}: convert to float32 (e.g. {name}.float())"
        raise TypeError(f"{allowed}, of a dtype numpy has; got a tensor of dtype {dtype} that numpy "
                        f"cannot view ({exc}): {fix}") from None


def _is_masked(value) -> bool:
    ma = sys.modules.get("numpy.ma")         # not loaded: nothing can be a masked array
    return ma is not None and isinstance(value, ma.MaskedArray)


def _masked_refused(name: str) -> TypeError:
    return TypeError(
        f"{name} must be an array without a mask; got a numpy.ma.MaskedArray, whose mask convlab would "
        f"ignore: pass {name}.filled(value) to say what the masked cells hold, or use numpy.ma.correlate "
        f"or numpy.ma.convolve, which skip them"
    )


def host_array(name: str, value):
    """``value`` as something :func:`numpy.asarray` reads without losing anything: a torch
    tensor as the ndarray sharing its memory, anything else unchanged; ``TypeError`` for a
    masked array (its mask would be dropped) and for a tensor numpy cannot share (see the
    module docs). Every array argument passes here, through :func:`as_array` or :func:`real_array`.
    """
    if _is_masked(value):
        raise _masked_refused(name)
    if _is_torch_tensor(value):
        return _from_tensor(name, value)
    return value


def _unreadable(name: str, value, exc: Exception) -> TypeError:
    """The ``TypeError`` for a sequence :func:`numpy.asarray` failed on: the first tensor in it
    that numpy cannot read, named by its index (``x[0][1]``), or numpy's reason."""
    def find(where: str, item):
        if _is_torch_tensor(item) or _is_masked(item):
            host_array(where, item)                   # raises for a tensor numpy cannot read
        elif isinstance(item, (list, tuple)):
            for i, inner in enumerate(item):
                find(f"{where}[{i}]", inner)

    try:
        find(name, value)
    except TypeError as refused:
        return refused
    return TypeError(f"{name} must be an array or a nested sequence of numbers; got a {type(value).__name__} "
                     f"numpy cannot read ({exc})")


def as_array(name: str, value, *, allow_none: bool = False) -> np.ndarray | None:
    """Return ``value`` as an ndarray of a supported dtype, never a copy.

    Supported: signed/unsigned integers, floating, complex, and object arrays
    whose elements are numbers or SymPy expressions (for symbolic use).
    """
    if type(value) is np.ndarray and value.dtype.kind in "iufc":
        return value                                  # the common case, checked first
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{name} must be an array; got None")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array; got a {type(value).__name__}")
    value = host_array(name, value)
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a rectangular (non-ragged) array; got a ragged sequence ({exc})"
        ) from None
    except (RuntimeError, TypeError) as exc:    # a sequence holding tensors numpy cannot read
        raise _unreadable(name, value, exc) from None
    kind = arr.dtype.kind
    if kind in "iufc":
        return arr
    if kind == "b":
        raise TypeError(
            f"{name} must have a numeric dtype (integer, floating or complex); got bool. "
            f"Convert it first, e.g. {name}.astype(int)"
        )
    if kind == "O":
        for index, v in enumerate(arr.flat):       # (None is an element like any other here)
            if not _is_symbolic_scalar(v):
                where = np.unravel_index(index, arr.shape) if arr.ndim else ()
                raise TypeError(
                    f"{name} is an object array, which must hold only numbers or SymPy "
                    f"expressions; found an element of type {type(v).__name__} at index "
                    f"{tuple(map(int, where))}"
                )
        return arr
    raise TypeError(
        f"{name} must have a numeric dtype (integer, floating or complex) or hold SymPy "
        f"expressions; got dtype {arr.dtype}"
    )


def real_array(name: str, value, ndim: int | tuple[int, ...] | None = None, *,
               allow_empty: bool = False) -> np.ndarray:
    """``value`` as a real (integer or floating) ndarray with ``ndim`` axes.

    ``TypeError`` for another dtype (bool, complex, object, strings), ``ValueError``
    for the wrong number of axes or an empty array. Never copies.

    Examples
    --------
    >>> from convlab._validate import real_array
    >>> real_array("image", [[1, 2], [3, 4]], 2).shape
    (2, 2)
    >>> real_array("signal", [[1, 2]], 1)
    Traceback (most recent call last):
    ...
    ValueError: signal must be a non-empty 1-D array; got shape (1, 2)
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a real numeric array; got {type(value).__name__}")
    value = host_array(name, value)
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(f"{name} must be a rectangular (non-ragged) array; got a ragged sequence") from None
    except (RuntimeError, TypeError) as exc:
        raise _unreadable(name, value, exc) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real numeric array (integer or floating); got dtype {arr.dtype}")
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if (dims is not None and arr.ndim not in dims) or (arr.size == 0 and not allow_empty):
        shown = "" if dims is None else " or ".join(f"{d}-D" for d in dims) + " "
        empty = "" if allow_empty else "non-empty "
        raise ValueError(f"{name} must be a {empty}{shown}array; got shape {arr.shape}")
    return arr


def result_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """The dtype every method returns for these inputs (``None`` entries are skipped).

    * any object input -> ``object`` (SymPy expressions, Python numbers);
    * integer inputs only -> ``int64`` (exact, accumulated in 64 bits);
    * otherwise ``np.result_type`` of the inputs (float32 stays float32,
      float32 with int64 gives float64, complex stays complex).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import result_dtype
    >>> result_dtype(np.ones(2, np.int8), np.ones(2, np.int32)), result_dtype(np.ones(2, np.float32), None)
    (dtype('int64'), dtype('float32'))
    """
    return _result_dtype(*(None if a is None else a.dtype for a in arrays))


@functools.lru_cache(maxsize=256)
def _result_dtype(*dtypes: np.dtype | None) -> np.dtype:
    dtypes = [d for d in dtypes if d is not None]
    kinds = {d.kind for d in dtypes}
    if "O" in kinds:
        return np.dtype(object)
    if kinds <= set("iu"):
        return np.dtype(np.int64)
    return np.result_type(*dtypes)


def max_abs(a: np.ndarray) -> int:
    """``max |a|`` of an integer array as an exact Python int (0 when empty)."""
    return max(abs(int(a.max())), abs(int(a.min()))) if a.size else 0


def check_integer_range(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None,
                        fan_in: int, names: tuple[str, str] = ("x", "w"),
                        fan_what: str = "C_in/groups * kernel size") -> None:
    """Raise if an exact int64 result could overflow: ``max|x| * max|w| * fan_in
    (+ max|bias|)`` must stay below ``2**63`` (``names``: how the message calls
    ``x`` and ``w``; ``fan_what``: what ``fan_in`` counts)."""
    if not (x.size and w.size):
        return
    bound = max_abs(x) * max_abs(w) * fan_in
    if bias is not None:
        bound += max_abs(bias)
    if bound >= 2**63:
        a, b = names
        raise ValueError(
            f"integer inputs could overflow the int64 result: max|{a}| * max|{b}| * "
            f"({fan_what}) = {bound} >= 2**63; cast {a} and {b} to float64, "
            "or to object dtype for exact Python integers"
        )


def check_integer_sum(name: str, a: np.ndarray, count: int, what: str) -> None:
    """Raise if summing ``count`` entries of the integer array ``a`` (named ``name``)
    could overflow an exact int64 result (``what`` says what ``count`` counts).

    Checked before anything is summed; floating, complex and object arrays pass.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab._validate import check_integer_sum
    >>> check_integer_sum("grad_output", np.full(4, 2**60), 4, "cells summed per channel")
    >>> check_integer_sum("grad_output", np.full(8, 2**60), 8, "cells summed per channel")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: integer grad_output could overflow the int64 result: ... = 9223372036854775808 >= 2**63; ...
    """
    if a.dtype.kind not in "iu" or not a.size:
        return
    bound = max_abs(a) * count
    if bound >= 2**63:
        raise ValueError(
            f"integer {name} could overflow the int64 result: max|{name}| * ({what}) = {bound} >= 2**63; "
            f"cast {name} to float64, or to object dtype for exact Python integers"
        )
