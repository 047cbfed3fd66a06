"""A small convolutional network, trained with convlab alone (chapter 8 of the book).

Every layer is a small class with a ``forward`` and a ``backward``:
``forward(x)`` computes the layer's output and keeps what the backward pass
needs; ``backward(dy)`` takes ``dy = dL/dy``, the gradient of the loss with
respect to the layer's output, stores the gradients of the layer's own
parameters in ``grads`` and returns ``dL/dx``, which becomes the previous
layer's ``dy``. Nothing else is needed to train a network: the chain rule,
applied layer by layer from the loss back to the input.

* :class:`Conv2d` -- :func:`convlab.conv2d` forward; backward
  :func:`convlab.grad.conv2d_input` (a transposed convolution),
  :func:`convlab.grad.conv2d_weight` (a correlation of the input with
  ``dy``) and :func:`convlab.grad.bias_grad`;
* :class:`ReLU`, :class:`MaxPool2d` (:func:`convlab.max_pool2d` and its
  backward), :class:`AvgPool2d`, :class:`Flatten`, :class:`Linear`;
* :class:`Sequential` chains them; :func:`small_cnn` builds the book's
  network (two convolutions, pooling, a linear classifier) with weights
  drawn from a seeded generator;
* :func:`softmax_cross_entropy` is the loss and its gradient,
  :class:`SGD` the update (plain or with momentum, ``torch.optim.SGD``'s
  rule), :func:`train` the loop, which returns a :class:`History`;
* the layers of chapter 9, each built on its convlab function and that
  function's gradients: :class:`LocallyConnected2d` (a kernel per
  position), :class:`TiledConv2d` (kernels in rotation),
  :class:`BlurPool2d` and :class:`MaxBlurPool2d` (anti-aliased
  downsampling), :class:`P4Lift`, :class:`P4Conv` and :class:`P4Pool`
  (rotations by 90 degrees);
* :func:`digits` loads scikit-learn's bundled 8x8 handwritten digits
  (nothing is downloaded), :func:`numerical_gradient` checks gradients by
  central differences, :func:`confusion_matrix` counts the mistakes.

Arrays are NumPy arrays, images ``(N, C, H, W)`` as everywhere in convlab;
parameters are updated in place. Bad input raises ``ValueError`` or
``TypeError`` naming the argument.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from . import grad
from ._validate import (
    PADDING_MODES,
    check_method,
    choice,
    function,
    int_tuple,
    non_negative_int,
    padding_pairs,
    positive_int,
    real_array,
    real_number,
    shape_tuple,
)
from .antialias import (
    binomial_filter,
    blur_pool2d,
    blur_pool2d_backward,
    max_blur_pool2d,
    max_blur_pool2d_backward,
)
from .conv import conv2d
from .groups import (
    p4_bias,
    p4_conv,
    p4_conv_bank,
    p4_conv_input,
    p4_conv_weight,
    p4_lift,
    p4_lift_bank,
    p4_lift_input,
    p4_lift_weight,
)
from .local import (
    locally_connected2d,
    locally_connected_bias,
    locally_connected_input,
    locally_connected_weight,
    tiled_conv2d,
    tiled_conv_bias,
    tiled_conv_input,
    tiled_conv_weight,
)
from .pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward

__all__ = ["AvgPool2d", "BlurPool2d", "Conv2d", "Digits", "Flatten", "History", "Layer", "Linear",
           "LocallyConnected2d", "MaxBlurPool2d", "MaxPool2d", "P4Conv", "P4Lift", "P4Pool", "ReLU", "SGD",
           "Sequential", "TiledConv2d", "accuracy", "batches", "confusion_matrix", "digits",
           "numerical_gradient", "small_cnn", "softmax_cross_entropy", "train"]


def _float_array(name: str, value, ndim: int | tuple[int, ...]) -> np.ndarray:
    """``value`` as a floating array with ``ndim`` axes (integers become float64)."""
    arr = real_array(name, value, ndim)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _before_forward(layer: Layer, cached) -> None:
    if cached is None:
        raise RuntimeError(f"{type(layer).__name__}.backward called before forward")


def _grad_output(dy, shape: tuple[int, ...]) -> np.ndarray:
    arr = real_array("dy", dy, len(shape))
    if arr.shape != shape:
        raise ValueError(f"dy must have the shape of the layer's last output {shape}; got {arr.shape}")
    return arr


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------

class Layer:
    """A layer: ``forward(x) -> y``, then ``backward(dL/dy) -> dL/dx``.

    ``params`` maps a name to each parameter array (updated in place by
    :class:`SGD`); after ``backward``, ``grads`` maps the same names to
    their gradients. Layers without parameters have empty dicts.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import ReLU
    >>> relu = ReLU()
    >>> relu.params, relu.forward(np.array([-1.0, 2.0])), relu.backward(np.array([5.0, 5.0]))
    ({}, array([0., 2.]), array([0., 5.]))
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The layer's output for ``x``; keeps what :meth:`backward` needs."""
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """``dL/dx`` from ``dy = dL/dy`` of the last :meth:`forward`; fills ``grads``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Conv2d(Layer):
    """A 2-D convolution layer: :func:`convlab.conv2d` forward, :mod:`convlab.grad` backward.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in, kh, kw)``, floating (copied).
    bias : array_like, optional
        ``(C_out,)``; zeros by default.
    stride, padding
        As for :func:`convlab.conv2d`.
    method : {"auto", "loop", "im2col", "fft"}
        How every convolution of the layer is computed.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import Conv2d
    >>> layer = Conv2d(np.ones((1, 1, 2, 2)))
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> layer.forward(x)[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    >>> layer.backward(np.ones((1, 1, 2, 2)))[0, 0]          # how many windows hold each cell
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> layer.grads["weight"][0, 0], layer.grads["bias"]      # window sums, and the count of outputs
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: int | str | tuple = 0, method: str = "auto") -> None:
        super().__init__()
        weight = np.array(_float_array("weight", weight, 4))
        if bias is None:
            bias = np.zeros(weight.shape[0], dtype=weight.dtype)
        bias = np.array(_float_array("bias", bias, 1), dtype=weight.dtype)
        if bias.shape != weight.shape[:1]:
            raise ValueError(f"bias must have shape (C_out,) = {weight.shape[:1]}; got {bias.shape}")
        self.params = {"weight": weight, "bias": bias}
        # validated now, as torch's layers do, not at the first forward
        strides = int_tuple("stride", stride, 2, minimum=1)
        padding_pairs(padding, 2, weight.shape[2:], (1, 1), strides)
        self.stride, self.padding, self.method = stride, padding, check_method(method)
        self._x: np.ndarray | None = None

    @property
    def weight(self) -> np.ndarray:
        """The kernels, ``(C_out, C_in, kh, kw)``."""
        return self.params["weight"]

    @property
    def bias(self) -> np.ndarray:
        """The biases, ``(C_out,)``."""
        return self.params["bias"]

    def _geometry(self) -> dict:
        return dict(stride=self.stride, padding=self.padding, method=self.method)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """``conv2d(x, weight, bias)``; keeps ``x``."""
        self._x = _float_array("x", x, 4)
        w, b = self.weight, self.bias
        return conv2d(self._x, w, b, **self._geometry())

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """The three gradients of a convolution, each one call of :mod:`convlab.grad`."""
        x, w = self._x, self.weight
        _before_forward(self, x)
        g = self._geometry()
        self.grads = {
            "weight": grad.conv2d_weight(x, w.shape, dy, **g),  # x ⋆ dy
            "bias": grad.bias_grad(dy),                         # sum of dy
        }
        return grad.conv2d_input(x.shape, w, dy, **g)   # transposed conv.

    def __repr__(self) -> str:
        c_out, c_in, kh, kw = self.weight.shape
        return f"Conv2d({c_in} -> {c_out}, {kh}x{kw}, stride={self.stride}, padding={self.padding})"


class ReLU(Layer):
    """``max(x, 0)``; its gradient passes ``dy`` where ``x > 0`` and blocks it elsewhere.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import ReLU
    >>> relu = ReLU()
    >>> relu.forward(np.array([-2.0, 0.0, 3.0])), relu.backward(np.array([1.0, 1.0, 1.0]))
    (array([0., 0., 3.]), array([0., 0., 1.]))
    """

    def __init__(self) -> None:
        super().__init__()
        self._positive: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _float_array("x", x, tuple(range(1, 33)))
        self._positive = x > 0
        return np.where(self._positive, x, 0.0).astype(x.dtype, copy=False)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._positive)
        dy = _grad_output(dy, self._positive.shape)
        return np.where(self._positive, dy, 0.0).astype(dy.dtype, copy=False)


class MaxPool2d(Layer):
    """Max pooling, :func:`convlab.max_pool2d`; backward :func:`convlab.max_pool2d_backward`.

    The gradient of each window goes to the cell that was its maximum, and
    where windows overlap (``stride < kernel_size``) a cell picked by several
    windows receives the sum.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import MaxPool2d
    >>> pool = MaxPool2d(2)
    >>> x = np.array([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> pool.forward(x).ravel(), pool.backward(np.array([[[[10.0]]]]))[0, 0]
    (array([4.]), array([[ 0.,  0.],
           [10.,  0.]]))
    """

    def __init__(self, kernel_size: int | tuple = 2, stride: int | tuple | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return max_pool2d(self._x, self.kernel_size, self.stride)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._x)
        return max_pool2d_backward(dy, self._x, self.kernel_size, self.stride)

    def __repr__(self) -> str:
        return f"MaxPool2d({self.kernel_size}, stride={self.stride})"


class AvgPool2d(Layer):
    """Average pooling, :func:`convlab.avg_pool2d` (a strided box filter); backward its adjoint.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import AvgPool2d
    >>> pool = AvgPool2d(2)
    >>> x = np.array([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> pool.forward(x).ravel(), pool.backward(np.array([[[[10.0]]]]))[0, 0]
    (array([2.5]), array([[2.5, 2.5],
           [2.5, 2.5]]))
    """

    def __init__(self, kernel_size: int | tuple = 2, stride: int | tuple | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return avg_pool2d(self._x, self.kernel_size, self.stride)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._x)
        return avg_pool2d_backward(dy, self._x, self.kernel_size, self.stride)

    def __repr__(self) -> str:
        return f"AvgPool2d({self.kernel_size}, stride={self.stride})"


class Flatten(Layer):
    """``(N, C, H, W)`` to ``(N, C*H*W)``, and back for the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import Flatten
    >>> flat = Flatten()
    >>> flat.forward(np.zeros((2, 3, 4, 4))).shape, flat.backward(np.zeros((2, 48))).shape
    ((2, 48), (2, 3, 4, 4))
    """

    def __init__(self) -> None:
        super().__init__()
        self._shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _float_array("x", x, tuple(range(2, 33)))
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._shape)
        dy = _grad_output(dy, (self._shape[0], math.prod(self._shape[1:])))
        return dy.reshape(self._shape)


class Linear(Layer):
    """A fully connected layer, ``y = x @ weight.T + bias`` (``torch.nn.Linear``'s layout).

    Parameters
    ----------
    weight : array_like
        ``(n_out, n_in)``, floating (copied).
    bias : array_like, optional
        ``(n_out,)``; zeros by default.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import Linear
    >>> layer = Linear([[1.0, 2.0], [0.0, -1.0]], [0.5, 0.0])
    >>> layer.forward(np.array([[3.0, 4.0]]))
    array([[11.5, -4. ]])
    >>> layer.backward(np.array([[1.0, 1.0]])), layer.grads["weight"]
    (array([[1., 1.]]), array([[3., 4.],
           [3., 4.]]))
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None) -> None:
        super().__init__()
        weight = np.array(_float_array("weight", weight, 2))
        if bias is None:
            bias = np.zeros(weight.shape[0], dtype=weight.dtype)
        bias = np.array(_float_array("bias", bias, 1), dtype=weight.dtype)
        if bias.shape != weight.shape[:1]:
            raise ValueError(f"bias must have shape (n_out,) = {weight.shape[:1]}; got {bias.shape}")
        self.params = {"weight": weight, "bias": bias}
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _float_array("x", x, 2)
        n_in = self.params["weight"].shape[1]
        if x.shape[1] != n_in:
            raise ValueError(f"x must have shape (N, {n_in}); got {x.shape}")
        self._x = x
        return x @ self.params["weight"].T + self.params["bias"]

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x = self._x
        _before_forward(self, x)
        dy = _grad_output(dy, (x.shape[0], self.params["weight"].shape[0]))
        self.grads = {"weight": dy.T @ x, "bias": dy.sum(axis=0)}
        return dy @ self.params["weight"]

    def __repr__(self) -> str:
        n_out, n_in = self.params["weight"].shape
        return f"Linear({n_in} -> {n_out})"


class Sequential:
    """Layers applied one after the other; the backward pass visits them in reverse.

    Parameters
    ----------
    layers : sequence of (str, Layer)
        Named layers, in order; the names prefix the parameters'
        (``"conv1.weight"``).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import Linear, ReLU, Sequential
    >>> net = Sequential([("fc", Linear(np.eye(2))), ("relu", ReLU())])
    >>> net.forward(np.array([[1.0, -1.0]])), list(net.parameters())
    (array([[1., 0.]]), ['fc.weight', 'fc.bias'])
    >>> net.backward(np.array([[1.0, 1.0]])), net.gradients()["fc.weight"]
    (array([[1., 0.]]), array([[ 1., -1.],
           [ 0.,  0.]]))
    """

    def __init__(self, layers: Sequence[tuple[str, Layer]]) -> None:
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence) or not layers:
            raise TypeError(f"layers must be a non-empty sequence of (name, Layer) pairs; got {layers!r}")
        for item in layers:
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                    and isinstance(item[1], Layer)):
                raise TypeError(f"layers must hold (name, Layer) pairs; got {item!r}")
        names = [name for name, _ in layers]
        if len(set(names)) != len(names):
            raise ValueError(f"layers must have distinct names; got {names}")
        self.layers: list[tuple[str, Layer]] = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The network's output (for a classifier, the logits)."""
        for _, layer in self.layers:
            x = layer.forward(x)
        return x

    def activations(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The output of every layer for ``x``, by layer name, in order."""
        out = {}
        for name, layer in self.layers:
            x = out[name] = layer.forward(x)
        return out

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """The chain rule, last layer first; returns ``dL/d(input)`` and fills every layer's grads."""
        for _, layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array (not copies), as ``"layer.name"``."""
        return {f"{lname}.{pname}": p for lname, layer in self.layers for pname, p in layer.params.items()}

    def gradients(self) -> dict[str, np.ndarray]:
        """The gradients of the last :meth:`backward`, with the names of :meth:`parameters`."""
        return {f"{lname}.{pname}": layer.grads[pname] for lname, layer in self.layers
                for pname in layer.params}

    def __getitem__(self, name: str) -> Layer:
        for lname, layer in self.layers:
            if lname == name:
                return layer
        raise KeyError(f"no layer named {name!r}; the layers are {[n for n, _ in self.layers]}")

    def __repr__(self) -> str:
        return "Sequential(\n" + "".join(f"  {name}: {layer!r}\n" for name, layer in self.layers) + ")"


def small_cnn(seed: int = 0, *, channels: tuple[int, int] = (8, 16), image_size: int = 8,
              n_classes: int = 10, pool: str = "max", method: str = "auto",
              dtype: type | np.dtype = np.float64) -> Sequential:
    """The book's network: two 3x3 convolutions, each with ReLU and 2x2 pooling, then a linear classifier.

    ``conv1`` (1 -> ``channels[0]``, padding 1), ``relu1``, ``pool1``,
    ``conv2`` (``channels[0]`` -> ``channels[1]``, padding 1), ``relu2``,
    ``pool2``, ``flatten`` and ``fc`` (to ``n_classes`` logits). The
    convolutions' weights are normal with variance ``2 / fan_in`` (He et
    al.'s rule for ReLU layers), the classifier's with ``1 / fan_in``, the
    biases zero, all drawn from ``numpy.random.default_rng(seed)``: the same
    seed gives the same network.

    Parameters
    ----------
    seed : int
        Seed of the weights.
    channels : (int, int)
        Output channels of the two convolutions.
    image_size : int
        Height and width of the input images (divisible by 4).
    n_classes : int
        Number of classes.
    pool : {"max", "avg"}
        Max or average pooling.
    method : str
        The convolutions' ``method``.
    dtype : numpy dtype
        Of every parameter (float64 or float32).

    Returns
    -------
    Sequential

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import small_cnn
    >>> net = small_cnn(0)
    >>> net.forward(np.zeros((5, 1, 8, 8))).shape
    (5, 10)
    >>> {name: p.shape for name, p in net.parameters().items() if name.endswith("weight")}
    {'conv1.weight': (8, 1, 3, 3), 'conv2.weight': (16, 8, 3, 3), 'fc.weight': (10, 64)}
    >>> bool(np.array_equal(small_cnn(0)["conv1"].weight, net["conv1"].weight))
    True
    """
    seed = non_negative_int("seed", seed)
    c1, c2 = shape_tuple("channels", channels, 2)
    image_size = positive_int("image_size", image_size)
    if image_size % 4:
        raise ValueError(f"image_size must be divisible by 4 (two 2x2 poolings); got {image_size}")
    n_classes = positive_int("n_classes", n_classes)
    pool = choice("pool", pool, ("max", "avg"))
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating dtype; got {dtype}")
    rng = np.random.default_rng(seed)

    def normal(shape, fan_in, gain):
        return (rng.standard_normal(shape) * math.sqrt(gain / fan_in)).astype(dtype)

    pool_layer = MaxPool2d if pool == "max" else AvgPool2d
    n_features = c2 * (image_size // 4) ** 2
    return Sequential([
        ("conv1", Conv2d(normal((c1, 1, 3, 3), 9, 2.0), padding=1, method=method)),
        ("relu1", ReLU()),
        ("pool1", pool_layer(2)),
        ("conv2", Conv2d(normal((c2, c1, 3, 3), 9 * c1, 2.0), padding=1, method=method)),
        ("relu2", ReLU()),
        ("pool2", pool_layer(2)),
        ("flatten", Flatten()),
        ("fc", Linear(normal((n_classes, n_features), n_features, 1.0))),
    ])


# --------------------------------------------------------------------------
# loss, optimiser, training
# --------------------------------------------------------------------------

def _labels(name: str, labels, n: int, n_classes: int | None = None) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integer class labels; got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per sample; got {arr.shape}")
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(f"{name} must lie in 0..{n_classes - 1}; got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.int64, copy=False)


def softmax_cross_entropy(logits: ArrayLike,
                          labels: ArrayLike) -> tuple[float, np.ndarray]:
    """The mean cross-entropy of a softmax classifier, and its gradient with respect to the logits.

    With probabilities ``p = softmax(z)`` per sample, the loss is
    ``mean_n(-log p[n, labels[n]])`` and its gradient ``(p - onehot) / N``:
    the predicted probabilities minus the right answer. The log-softmax is
    computed stably (the largest logit subtracted first).

    Parameters
    ----------
    logits : array_like
        ``(N, n_classes)``, floating.
    labels : array_like
        ``(N,)`` integers in ``0..n_classes - 1``.

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray
        ``dL/dlogits``, the shape of ``logits``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import softmax_cross_entropy
    >>> loss, d = softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
    >>> round(loss, 6) == round(float(np.log(4)), 6), d[0]
    (True, array([-0.375,  0.125,  0.125,  0.125]))
    >>> softmax_cross_entropy(np.zeros((2, 4)), [0, 4])
    Traceback (most recent call last):
    ...
    ValueError: labels must lie in 0..3; got values from 0 to 4
    """
    z = _float_array("logits", logits, 2)
    n, n_classes = z.shape
    y = _labels("labels", labels, n, n_classes)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = float(-log_p[rows, y].mean())
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n


class SGD:
    """Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``'s rule).

    Each :meth:`step` updates every parameter in place: with momentum
    ``mu``, a velocity ``v <- mu * v + g`` (``v = g`` at the first step) and
    ``p <- p - lr * v``; without, ``p <- p - lr * g``.

    Parameters
    ----------
    lr : float
        The learning rate, positive.
    momentum : float
        ``mu`` in ``[0, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import SGD
    >>> p = np.array([1.0])
    >>> opt = SGD(0.1, momentum=0.5)
    >>> for _ in range(2):
    ...     opt.step({"p": p}, {"p": np.array([1.0])})
    >>> p                                   # 1 - 0.1 * 1 - 0.1 * (0.5 + 1)
    array([0.75])
    """

    def __init__(self, lr: float, momentum: float = 0.0) -> None:
        self.lr = real_number("lr", lr, "a positive finite number", low=0)
        self.momentum = real_number("momentum", momentum, "a number in [0, 1)", low=0, high=1, closed="low")
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray],
             grads: dict[str, np.ndarray]) -> None:
        """One update of every parameter in ``params`` by its gradient in ``grads``."""
        if set(params) != set(grads):
            raise ValueError(f"grads must have the keys of params; got "
                             f"{sorted(grads)} for {sorted(params)}")
        for name, p in params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"grads[{name!r}] must have shape {p.shape}; "
                                 f"got {g.shape}")
            if self.momentum:
                v = self.velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                self.velocity[name] = g = v
            p -= self.lr * g                    # in place: the network sees it


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The indices of one epoch's mini-batches: a permutation of ``0..n-1`` cut into pieces.

    The last batch is smaller when ``batch_size`` does not divide ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import batches
    >>> [b.tolist() for b in batches(5, 2, np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    """
    n, batch_size = positive_int("n", n), positive_int("batch_size", batch_size)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _predict(net: Sequential, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    return np.concatenate([net.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def accuracy(net: Sequential, x: ArrayLike, labels: ArrayLike) -> float:
    """The fraction of the images ``x`` that ``net`` classifies as ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import Flatten, Linear, Sequential, accuracy
    >>> net = Sequential([("flat", Flatten()), ("fc", Linear([[1.0, 0.0], [0.0, 1.0]]))])
    >>> accuracy(net, np.array([[[[2.0, 1.0]]], [[[0.0, 3.0]]]]), [0, 0])
    0.5
    """
    x = _float_array("x", x, 4)
    y = _labels("labels", labels, len(x))
    return float((_predict(net, x).argmax(axis=1) == y).mean())


@dataclass
class History:
    """What :func:`train` measured: one entry per epoch, and the loss of every step.

    Attributes
    ----------
    train_loss, train_accuracy : list of float
        Mean loss over the epoch's batches, and the accuracy on the whole
        training set after the epoch.
    test_loss, test_accuracy : list of float
        On the test set after each epoch (empty without one).
    step_loss : list of float
        The loss of every mini-batch, in order, before its update.
    seconds : float
        Wall time of the whole training.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        """How many epochs were run."""
        return len(self.train_loss)


def train(net: Sequential, x: ArrayLike, labels: ArrayLike, *, epochs: int = 10, batch_size: int = 32,
          lr: float = 0.05, momentum: float = 0.9, seed: int = 0, x_test: ArrayLike | None = None,
          labels_test: ArrayLike | None = None,
          callback: Callable[[int, History], None] | None = None) -> History:
    """Train ``net`` on ``(x, labels)`` with mini-batch SGD and softmax cross-entropy.

    Each epoch visits the training images once, in an order drawn from
    ``numpy.random.default_rng(seed)``, in batches of ``batch_size``: the
    forward pass, the loss and its gradient, the backward pass, one
    :class:`SGD` step. Deterministic: the same network, data and seed give
    the same history.

    Parameters
    ----------
    net : Sequential
        Its parameters are updated in place.
    x : array_like
        Training images ``(N, C, H, W)``.
    labels : array_like
        ``(N,)`` integer classes.
    epochs, batch_size : int
        How many passes over the data, and the images per step.
    lr, momentum : float
        Of :class:`SGD`.
    seed : int
        Seed of the batches' order.
    x_test, labels_test : array_like, optional
        Evaluated after every epoch.
    callback : callable, optional
        Called as ``callback(epoch, history)`` after every epoch.

    Returns
    -------
    History

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import small_cnn, train
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((40, 1, 8, 8))
    >>> labels = (x[:, 0, :4].sum(axis=(1, 2)) > x[:, 0, 4:].sum(axis=(1, 2))).astype(int)  # top brighter?
    >>> history = train(small_cnn(0, n_classes=2), x, labels, epochs=5, batch_size=8, lr=0.05)
    >>> history.epochs, len(history.step_loss), history.train_loss[-1] < history.train_loss[0]
    (5, 25, True)
    """
    if not isinstance(net, Sequential):
        raise TypeError(f"net must be a convlab.learn.Sequential; got {type(net).__name__}")
    x = _float_array("x", x, 4)
    y = _labels("labels", labels, len(x))
    epochs, batch_size = positive_int("epochs", epochs), positive_int("batch_size", batch_size)
    rng = np.random.default_rng(non_negative_int("seed", seed))
    if (x_test is None) != (labels_test is None):
        raise ValueError("x_test and labels_test must be given together")
    if x_test is not None:
        x_test = _float_array("x_test", x_test, 4)
        labels_test = _labels("labels_test", labels_test, len(x_test))
    if callback is not None:
        function("callback", callback)
    opt = SGD(lr, momentum)
    params = net.parameters()
    history = History()
    start = time.perf_counter()
    for epoch in range(epochs):
        losses = []
        for idx in batches(len(x), batch_size, rng):
            loss, dlogits = softmax_cross_entropy(net.forward(x[idx]), y[idx])
            net.backward(dlogits)
            opt.step(params, net.gradients())
            losses.append(loss)
        history.step_loss += losses
        history.train_loss.append(float(np.mean(losses)))
        history.train_accuracy.append(accuracy(net, x, y))
        if x_test is not None:
            logits = _predict(net, x_test)
            history.test_loss.append(softmax_cross_entropy(logits, labels_test)[0])
            history.test_accuracy.append(float((logits.argmax(axis=1) == labels_test).mean()))
        if callback is not None:
            callback(epoch, history)
    history.seconds = time.perf_counter() - start
    return history


# --------------------------------------------------------------------------
# data, gradient checks, evaluation
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Digits:
    """scikit-learn's 8x8 digits, split into training and test images.

    ``x_train``, ``x_test`` are ``(N, 1, 8, 8)`` float64 in ``[0, 1]``
    (the 17 grey levels 0..16 divided by 16); ``y_train``, ``y_test`` the
    digits ``0..9``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def digits(seed: int = 0, test_fraction: float = 0.2) -> Digits:
    """The 1,797 handwritten digits that ship with scikit-learn, shuffled and split.

    ``sklearn.datasets.load_digits`` reads them from scikit-learn's own
    files (nothing is downloaded); the split is a permutation drawn from
    ``numpy.random.default_rng(seed)``, the first ``test_fraction`` of it
    the test set.

    Examples
    --------
    >>> from convlab.learn import digits
    >>> data = digits()
    >>> data.x_train.shape, data.x_test.shape, float(data.x_train.max())
    ((1438, 1, 8, 8), (359, 1, 8, 8), 1.0)
    """
    seed = non_negative_int("seed", seed)
    test_fraction = real_number("test_fraction", test_fraction, "a number in (0, 1)", low=0, high=1)
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:                      # an optional dependency (the book's extra)
        raise ImportError("convlab.learn.digits needs scikit-learn (pip install scikit-learn, or the "
                          "'book' extra of convlab)") from exc
    bunch = load_digits()
    images = (bunch.images / 16.0)[:, None].astype(np.float64)
    targets = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(images))
    n_test = round(test_fraction * len(images))
    test, tr = order[:n_test], order[n_test:]
    return Digits(images[tr], targets[tr], images[test], targets[test])


def numerical_gradient(f: Callable[[], float], array: np.ndarray, indices: Sequence | None = None, *,
                       h: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(p + h) - f(p - h)) / 2h``, one entry of ``array`` at a time.

    ``f`` takes no argument and reads ``array`` (e.g. a parameter of a
    network, changed in place and restored after each entry). The error is
    ``O(h**2)`` from the Taylor series plus about ``eps * |f| / h`` from
    rounding.

    Parameters
    ----------
    f : callable
        ``f() -> float``, a loss that depends on ``array``.
    array : numpy.ndarray
        A floating array, perturbed in place.
    indices : sequence of index tuples, optional
        Which entries; all of them by default.
    h : float
        The step.

    Returns
    -------
    numpy.ndarray
        The derivative at each index (1-D, in the order of ``indices``), or
        the whole gradient in the shape of ``array`` without ``indices``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import numerical_gradient
    >>> p = np.array([1.0, 2.0])
    >>> np.round(numerical_gradient(lambda: float((p ** 3).sum()), p), 6)    # 3 p**2
    array([ 3., 12.])
    """
    function("f", f)
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        dtype = f" of dtype {array.dtype}" if isinstance(array, np.ndarray) else ""
        raise TypeError(f"array must be a floating numpy array (perturbed in place); got "
                        f"{type(array).__name__}{dtype}")
    h = real_number("h", h, "a positive finite number", low=0)
    whole = indices is None
    index_list = list(np.ndindex(array.shape)) if whole else [tuple(np.atleast_1d(i)) for i in indices]
    out = np.empty(len(index_list), dtype=np.float64)
    for n, i in enumerate(index_list):
        old = array[i]
        array[i] = old + h
        up = f()
        array[i] = old - h
        down = f()
        array[i] = old
        out[n] = (up - down) / (2 * h)
    return out.reshape(array.shape) if whole else out


def confusion_matrix(labels: ArrayLike, predicted: ArrayLike, n_classes: int | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of the samples of class ``i`` predicted as ``j`` (rows: truth).

    Examples
    --------
    >>> from convlab.learn import confusion_matrix
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    truth = np.asarray(labels)
    truth = _labels("labels", truth, truth.size if truth.ndim == 1 else -1)
    guess = _labels("predicted", predicted, truth.size)
    if n_classes is None:
        n_classes = int(max(truth.max(initial=0), guess.max(initial=0))) + 1
    n_classes = positive_int("n_classes", n_classes)
    _labels("labels", truth, truth.size, n_classes)
    _labels("predicted", guess, truth.size, n_classes)
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (truth, guess), 1)
    return counts


# --------------------------------------------------------------------------
# layers that share fewer weights, or more (chapter 9): locally connected, tiled, blur pooling, p4
# --------------------------------------------------------------------------

def _layer_params(name: str, weight, bias, ndim: int, layout: str, bias_shape: Callable[[tuple], tuple],
                  bias_layout: str) -> dict[str, np.ndarray]:
    """A layer's ``{"weight", "bias"}`` (floating copies), the bias zeros by default, shapes checked."""
    weight = np.array(_float_array("weight", weight, ndim))
    if 0 in weight.shape:
        raise ValueError(f"weight must have shape {layout} with no empty axis; got {weight.shape}")
    shape = bias_shape(weight.shape)
    if bias is None:
        bias = np.zeros(shape, dtype=weight.dtype)
    bias = np.array(_float_array("bias", bias, len(shape)), dtype=weight.dtype)
    if bias.shape != shape:
        raise ValueError(f"bias must have shape {bias_layout} = {shape} for {name}'s weight; "
                         f"got {bias.shape}")
    return {"weight": weight, "bias": bias}


def _check_geometry(kernel: tuple[int, ...], stride, padding) -> None:
    """Refuse a bad stride or padding on construction (the same errors as the convolution's)."""
    nd = len(kernel)
    stride_t = int_tuple("stride", stride, nd, minimum=1)
    padding_pairs(padding, nd, kernel, (1,) * nd, stride_t)


class LocallyConnected2d(Layer):
    """A locally connected layer (unshared convolution): :func:`convlab.locally_connected2d`.

    Each output position has its own kernel; the backward pass is
    :func:`convlab.locally_connected_input`, ``_weight`` and ``_bias``.

    Parameters
    ----------
    weight : array_like
        ``(H_out, W_out, C_out, C_in, kh, kw)``, floating (copied): the
        output size is fixed by the weight.
    bias : array_like, optional
        ``(C_out, H_out, W_out)``; zeros by default.
    stride, padding
        As for :func:`convlab.conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import LocallyConnected2d
    >>> layer = LocallyConnected2d(np.ones((2, 2, 1, 1, 2, 2)))
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> layer.forward(x)[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    >>> layer.backward(np.ones((1, 1, 2, 2)))[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> layer.grads["weight"][1, 1, 0, 0]                     # the last position's patch only
    array([[4., 5.],
           [7., 8.]])
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: int | str | tuple = 0) -> None:
        super().__init__()
        self.params = _layer_params("LocallyConnected2d", weight, bias, 6,
                                    "(H_out, W_out, C_out, C_in, kh, kw)", lambda s: (s[2], s[0], s[1]),
                                    "(C_out, H_out, W_out)")
        _check_geometry(self.params["weight"].shape[4:], stride, padding)
        self.stride, self.padding = stride, padding
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return locally_connected2d(self._x, self.params["weight"], self.params["bias"], stride=self.stride,
                                   padding=self.padding)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, w = self._x, self.params["weight"]
        _before_forward(self, x)
        g = dict(stride=self.stride, padding=self.padding)
        self.grads = {"weight": locally_connected_weight(x, w.shape, dy, **g),
                      "bias": locally_connected_bias(dy)}
        return locally_connected_input(x.shape, w, dy, **g)

    def __repr__(self) -> str:
        h, w, c_out, c_in, kh, kw = self.params["weight"].shape
        return (f"LocallyConnected2d({c_in} -> {c_out}, {kh}x{kw} at {h}x{w} positions, "
                f"stride={self.stride}, padding={self.padding})")


class TiledConv2d(Layer):
    """A tiled convolution, ``t_h x t_w`` kernels in rotation: :func:`convlab.tiled_conv2d`.

    Parameters
    ----------
    weight : array_like
        ``(t_h, t_w, C_out, C_in, kh, kw)``, floating (copied).
    bias : array_like, optional
        ``(C_out,)``; zeros by default.
    stride, padding
        As for :func:`convlab.conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import TiledConv2d
    >>> layer = TiledConv2d(np.arange(1.0, 5.0).reshape(2, 2, 1, 1, 1, 1))
    >>> layer.forward(np.ones((1, 1, 2, 3)))[0, 0]
    array([[1., 2., 1.],
           [3., 4., 3.]])
    >>> dx = layer.backward(np.ones((1, 1, 2, 3)))
    >>> layer.grads["weight"].ravel()                         # how many cells each kernel serves
    array([2., 1., 2., 1.])
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: int | str | tuple = 0) -> None:
        super().__init__()
        self.params = _layer_params("TiledConv2d", weight, bias, 6, "(t_h, t_w, C_out, C_in, kh, kw)",
                                    lambda s: (s[2],), "(C_out,)")
        _check_geometry(self.params["weight"].shape[4:], stride, padding)
        self.stride, self.padding = stride, padding
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return tiled_conv2d(self._x, self.params["weight"], self.params["bias"], stride=self.stride,
                            padding=self.padding)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, w = self._x, self.params["weight"]
        _before_forward(self, x)
        g = dict(stride=self.stride, padding=self.padding)
        self.grads = {"weight": tiled_conv_weight(x, w.shape, dy, **g), "bias": tiled_conv_bias(dy)}
        return tiled_conv_input(x.shape, w, dy, **g)

    def __repr__(self) -> str:
        th, tw, c_out, c_in, kh, kw = self.params["weight"].shape
        return f"TiledConv2d({c_in} -> {c_out}, {kh}x{kw}, {th}x{tw} tiles, stride={self.stride})"


class BlurPool2d(Layer):
    """Anti-aliased downsampling, Zhang's ``BlurPool``: :func:`convlab.blur_pool2d` (no parameters).

    Parameters
    ----------
    order : int
        Of the binomial filter (``order + 1`` taps per axis; 0: plain subsampling).
    stride : int or tuple of two ints
    padding_mode : str
        ``"reflect"`` (Zhang's default), ``"zeros"``, ``"replicate"``, ``"circular"``, ``"symmetric"``.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import BlurPool2d
    >>> pool = BlurPool2d(order=1, padding_mode="zeros")
    >>> pool.forward(np.ones((1, 1, 4, 4)))[0, 0]
    array([[1., 1.],
           [1., 1.]])
    >>> pool.backward(np.ones((1, 1, 2, 2)))[0, 0]
    array([[0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25],
           [0.25, 0.25, 0.25, 0.25]])
    """

    def __init__(self, order: int = 2, stride: int | tuple = 2, *, padding_mode: str = "reflect") -> None:
        super().__init__()
        binomial_filter(order)                                   # validates order
        int_tuple("stride", stride, 2, minimum=1)
        choice("padding_mode", padding_mode, PADDING_MODES)
        self.order, self.stride, self.padding_mode = order, stride, padding_mode
        self._shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _float_array("x", x, 4)
        self._shape = x.shape
        return blur_pool2d(x, self.order, self.stride, padding_mode=self.padding_mode)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._shape)
        return blur_pool2d_backward(dy, self._shape, self.order, self.stride, padding_mode=self.padding_mode)

    def __repr__(self) -> str:
        return f"BlurPool2d(order={self.order}, stride={self.stride}, padding_mode={self.padding_mode!r})"


class MaxBlurPool2d(Layer):
    """Zhang's ``MaxBlurPool``: max pooling with stride 1, then :class:`BlurPool2d`
    (:func:`convlab.max_blur_pool2d`).

    Parameters
    ----------
    kernel_size : int or tuple of two ints
        Of the max pooling (stride 1).
    order, stride, padding_mode
        Of the blur.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import MaxBlurPool2d
    >>> pool = MaxBlurPool2d(2, order=0)                     # order 0: max pooling 2x2, stride 2
    >>> x = np.array([[[[1.0, 2.0], [4.0, 3.0]]]])
    >>> pool.forward(x).ravel(), pool.backward(np.array([[[[10.0]]]]))[0, 0]
    (array([4.]), array([[ 0.,  0.],
           [10.,  0.]]))
    """

    def __init__(self, kernel_size: int | tuple = 2, order: int = 2, stride: int | tuple = 2, *,
                 padding_mode: str = "reflect") -> None:
        super().__init__()
        int_tuple("kernel_size", kernel_size, 2, minimum=1)
        binomial_filter(order)
        int_tuple("stride", stride, 2, minimum=1)
        choice("padding_mode", padding_mode, PADDING_MODES)
        self.kernel_size, self.order = kernel_size, order
        self.stride, self.padding_mode = stride, padding_mode
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return max_blur_pool2d(self._x, self.kernel_size, self.order, self.stride,
                               padding_mode=self.padding_mode)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._x)
        return max_blur_pool2d_backward(dy, self._x, self.kernel_size, self.order, self.stride,
                                        padding_mode=self.padding_mode)

    def __repr__(self) -> str:
        return (f"MaxBlurPool2d({self.kernel_size}, order={self.order}, stride={self.stride}, "
                f"padding_mode={self.padding_mode!r})")


class P4Lift(Layer):
    """The p4 lifting layer, ``(N, C_in, H, W)`` to ``(N, C_out, 4, H_out, W_out)``: :func:`convlab.p4_lift`.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in, k, k)``, floating (copied).
    bias : array_like, optional
        ``(C_out,)``; zeros by default.
    stride, padding
        As for :func:`convlab.conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import P4Lift
    >>> layer = P4Lift(np.array([[[[0.0, 1.0], [0.0, 0.0]]]]))
    >>> layer.forward(np.arange(4.0).reshape(1, 1, 2, 2))[0, 0, :, 0, 0]   # the kernel's 1 in four places
    array([1., 0., 2., 3.])
    >>> layer.backward(np.ones((1, 1, 4, 1, 1)))[0, 0]
    array([[1., 1.],
           [1., 1.]])
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: int | str | tuple = 0) -> None:
        super().__init__()
        self.params = _layer_params("P4Lift", weight, bias, 4, "(C_out, C_in, k, k)", lambda s: (s[0],),
                                    "(C_out,)")
        p4_lift_bank(self.params["weight"])                     # validates the square kernel
        _check_geometry(self.params["weight"].shape[2:], stride, padding)
        self.stride, self.padding = stride, padding
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 4)
        return p4_lift(self._x, self.params["weight"], self.params["bias"], stride=self.stride,
                       padding=self.padding)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, w = self._x, self.params["weight"]
        _before_forward(self, x)
        g = dict(stride=self.stride, padding=self.padding)
        self.grads = {"weight": p4_lift_weight(x, w.shape, dy, **g), "bias": p4_bias(dy)}
        return p4_lift_input(x.shape, w, dy, **g)

    def __repr__(self) -> str:
        c_out, c_in, k, _ = self.params["weight"].shape
        return f"P4Lift({c_in} -> {c_out}x4, {k}x{k}, stride={self.stride}, padding={self.padding})"


class P4Conv(Layer):
    """The p4 group convolution, ``(N, C_in, 4, H, W)`` to ``(N, C_out, 4, H_out, W_out)``:
    :func:`convlab.p4_conv`.

    Parameters
    ----------
    weight : array_like
        ``(C_out, C_in, 4, k, k)``, floating (copied).
    bias : array_like, optional
        ``(C_out,)``; zeros by default.
    stride, padding
        As for :func:`convlab.conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import P4Conv
    >>> layer = P4Conv(np.arange(4.0).reshape(1, 1, 4, 1, 1))
    >>> layer.forward(np.ones((1, 1, 4, 1, 1))).ravel()       # each orientation sums 0 + 1 + 2 + 3
    array([6., 6., 6., 6.])
    >>> layer.backward(np.ones((1, 1, 4, 1, 1))).ravel()
    array([6., 6., 6., 6.])
    """

    def __init__(self, weight: ArrayLike, bias: ArrayLike | None = None, *, stride: int | tuple = 1,
                 padding: int | str | tuple = 0) -> None:
        super().__init__()
        self.params = _layer_params("P4Conv", weight, bias, 5, "(C_out, C_in, 4, k, k)", lambda s: (s[0],),
                                    "(C_out,)")
        p4_conv_bank(self.params["weight"])                     # validates 4 orientations, square kernel
        _check_geometry(self.params["weight"].shape[3:], stride, padding)
        self.stride, self.padding = stride, padding
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = _float_array("x", x, 5)
        return p4_conv(self._x, self.params["weight"], self.params["bias"], stride=self.stride,
                       padding=self.padding)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x, w = self._x, self.params["weight"]
        _before_forward(self, x)
        g = dict(stride=self.stride, padding=self.padding)
        self.grads = {"weight": p4_conv_weight(x, w.shape, dy, **g), "bias": p4_bias(dy)}
        return p4_conv_input(x.shape, w, dy, **g)

    def __repr__(self) -> str:
        c_out, c_in, _, k, _ = self.params["weight"].shape
        return f"P4Conv({c_in}x4 -> {c_out}x4, {k}x{k}, stride={self.stride}, padding={self.padding})"


class P4Pool(Layer):
    """The maximum over the four orientations, ``(N, C, 4, H, W)`` to ``(N, C, H, W)``.

    After p4 layers this gives maps that rotate with the input (no orientation
    axis left to cycle); a global pooling after it gives rotation invariance.
    The gradient goes to the orientation that was the maximum (the first, in
    a tie).

    Examples
    --------
    >>> import numpy as np
    >>> from convlab.learn import P4Pool
    >>> pool = P4Pool()
    >>> x = np.array([1.0, 5.0, 5.0, 2.0]).reshape(1, 1, 4, 1, 1)
    >>> pool.forward(x).ravel(), pool.backward(np.ones((1, 1, 1, 1))).ravel()
    (array([5.]), array([0., 1., 0., 0.]))
    """

    def __init__(self) -> None:
        super().__init__()
        self._argmax: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _float_array("x", x, 5)
        if x.shape[2] != 4:
            raise ValueError(f"x must have shape (N, C, 4, H, W), 4 orientations on axis 2; got {x.shape}")
        self._argmax = x.argmax(axis=2)
        return x.max(axis=2)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        _before_forward(self, self._argmax)
        dy = _grad_output(dy, self._argmax.shape)
        one_hot = np.arange(4)[None, None, :, None, None] == self._argmax[:, :, None]
        return np.where(one_hot, dy[:, :, None], 0.0).astype(dy.dtype, copy=False)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
