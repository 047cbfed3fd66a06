"""convlab.learn: every layer's backward against torch.autograd and central differences, the whole
network trained beside the same network in torch (same initial weights, same batches, float64), the
loss, the optimiser, the data, and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest
from support import require

from convlab import learn

RNG_SEED = 20260


def _rng(offset: int = 0) -> np.random.Generator:
    return np.random.default_rng(RNG_SEED + offset)


def _torch():
    return require("torch", "oracle for the CNN")


# --------------------------------------------------------------------------
# layers: forward and backward against torch.autograd
# --------------------------------------------------------------------------

def _layers(torch):
    """(name, convlab layer, torch function of (x, *params), input shape) for every layer kind."""
    F = torch.nn.functional
    rng = _rng(1)
    w = rng.standard_normal((4, 3, 3, 3))
    b = rng.standard_normal(4)
    w2 = rng.standard_normal((4, 3, 2, 3))
    lw = rng.standard_normal((5, 12))
    lb = rng.standard_normal(5)
    return [
        ("conv", learn.Conv2d(w, b, padding=1), lambda x, w, b: F.conv2d(x, w, b, padding=1), (2, 3, 6, 7)),
        ("conv strided", learn.Conv2d(w2, b, stride=2, padding=(1, 0)),
         lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=(1, 0)), (2, 3, 7, 8)),
        ("conv same", learn.Conv2d(w, b, padding="same"), lambda x, w, b: F.conv2d(x, w, b, padding="same"),
         (1, 3, 5, 5)),
        ("relu", learn.ReLU(), F.relu, (2, 3, 4, 4)),
        ("max pool", learn.MaxPool2d(2), lambda x: F.max_pool2d(x, 2), (2, 3, 6, 6)),
        ("max pool overlapping", learn.MaxPool2d(3, 1), lambda x: F.max_pool2d(x, 3, 1), (2, 3, 6, 5)),
        ("max pool 3/2", learn.MaxPool2d(3, 2), lambda x: F.max_pool2d(x, 3, 2), (1, 2, 7, 7)),
        ("avg pool", learn.AvgPool2d(2), lambda x: F.avg_pool2d(x, 2), (2, 3, 6, 6)),
        ("avg pool overlapping", learn.AvgPool2d(3, 1), lambda x: F.avg_pool2d(x, 3, 1), (2, 3, 5, 6)),
        ("flatten", learn.Flatten(), lambda x: x.reshape(x.shape[0], -1), (2, 3, 2, 2)),
        ("linear", learn.Linear(lw, lb), lambda x, w, b: F.linear(x, w, b), (3, 12)),
    ]


def _layer_ids():
    return ["conv", "conv strided", "conv same", "relu", "max pool", "max pool overlapping", "max pool 3/2",
            "avg pool", "avg pool overlapping", "flatten", "linear"]


@pytest.mark.parametrize("which", range(11), ids=_layer_ids())
def test_layer_forward_and_backward_match_torch_autograd(which):
    torch = _torch()
    name, layer, fn, shape = _layers(torch)[which]
    rng = _rng(2 + which)
    x = rng.standard_normal(shape)
    y = layer.forward(x)
    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    xt = torch.tensor(x, requires_grad=True)
    pt = {k: torch.tensor(v, requires_grad=True) for k, v in layer.params.items()}
    yt = fn(xt, *pt.values())
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-11, atol=1e-12, err_msg=name)
    assert set(layer.grads) == set(layer.params)
    for k, t in pt.items():
        np.testing.assert_allclose(layer.grads[k], t.grad.numpy(), rtol=1e-11, atol=1e-12, err_msg=f"{name} {k}")


@pytest.mark.parametrize("which", range(11), ids=_layer_ids())
def test_layer_backward_matches_central_differences(which):
    """The loss <dy, layer(x)> differentiated numerically, for x and for every parameter."""
    torch = _torch()
    name, layer, _, shape = _layers(torch)[which]
    rng = _rng(20 + which)
    x = rng.standard_normal(shape)
    dy = rng.standard_normal(layer.forward(x).shape)
    dx = layer.backward(dy)

    def loss():
        return float(np.sum(dy * layer.forward(x)))

    np.testing.assert_allclose(learn.numerical_gradient(loss, x), dx, rtol=1e-6, atol=1e-7, err_msg=name)
    grads = dict(layer.grads)
    for k, p in layer.params.items():
        np.testing.assert_allclose(learn.numerical_gradient(loss, p), grads[k], rtol=1e-6, atol=1e-7,
                                   err_msg=f"{name} {k}")


def test_max_pool_gradient_adds_where_windows_overlap():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0                       # the maximum of all four 2x2 windows of stride 1
    pool = learn.MaxPool2d(2, 1)
    pool.forward(x)
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert dx[0, 0, 1, 1] == 4.0 and dx.sum() == 4.0


# --------------------------------------------------------------------------
# the whole network beside torch
# --------------------------------------------------------------------------

def _torch_cnn(torch, net: learn.Sequential, pool: str = "max"):
    """The same architecture in torch, with net's current weights copied in."""
    nn = torch.nn
    pool_layer = nn.MaxPool2d if pool == "max" else nn.AvgPool2d
    c1 = net["conv1"].weight.shape[0]
    c2 = net["conv2"].weight.shape[0]
    n_out, n_in = net["fc"].params["weight"].shape
    model = nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), pool_layer(2),
                          nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), pool_layer(2),
                          nn.Flatten(), nn.Linear(n_in, n_out)).double()
    with torch.no_grad():
        for module, name in zip((model[0], model[3], model[7]), ("conv1", "conv2", "fc")):
            module.weight.copy_(torch.tensor(net[name].params["weight"]))
            module.bias.copy_(torch.tensor(net[name].params["bias"]))
    return model


def _toy_data(n: int = 96):
    d = learn.digits(seed=3)
    return d.x_train[:n], d.y_train[:n]


@pytest.mark.parametrize("pool, momentum", [("max", 0.9), ("avg", 0.0)])
def test_training_matches_torch_step_by_step(pool, momentum):
    """Same initial weights, same batches, float64: the same losses to 1e-10 for 30 steps."""
    torch = _torch()
    require("sklearn", "the digits")
    x, y = _toy_data()
    net = learn.small_cnn(5, pool=pool)
    model = _torch_cnn(torch, net, pool)
    history = learn.train(net, x, y, epochs=5, batch_size=16, lr=0.05, momentum=momentum, seed=11)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=momentum)
    rng = np.random.default_rng(11)
    torch_losses = []
    for _ in range(5):
        for idx in learn.batches(len(x), 16, rng):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(torch.tensor(x[idx])), torch.tensor(y[idx]))
            loss.backward()
            opt.step()
            torch_losses.append(loss.item())
    assert len(torch_losses) == len(history.step_loss) == 30
    np.testing.assert_allclose(history.step_loss, torch_losses, rtol=0, atol=1e-10)
    # and the weights after 30 steps, to 1e-10 absolute (rtol=0: the default 1e-7 would allow ~1e-7)
    np.testing.assert_allclose(net["conv1"].weight, model[0].weight.detach().numpy(), atol=1e-10, rtol=0)
    np.testing.assert_allclose(net["fc"].params["weight"], model[7].weight.detach().numpy(), atol=1e-10, rtol=0)


def test_network_gradients_match_torch_and_central_differences():
    torch = _torch()
    require("sklearn", "the digits")
    x, y = _toy_data(24)
    net = learn.small_cnn(2)
    rng = _rng(40)
    for name, p in net.parameters().items():
        # Non-zero biases: with zero ones, the blank background of a digit gives pre-activations of
        # exactly 0, on the kink of the ReLU, where a central difference straddles the kink.
        if name.endswith("bias"):
            p[:] = 0.1 * rng.standard_normal(p.shape)
    model = _torch_cnn(torch, net)
    loss, dlogits = learn.softmax_cross_entropy(net.forward(x), y)
    net.backward(dlogits)
    grads = net.gradients()
    torch_loss = torch.nn.functional.cross_entropy(model(torch.tensor(x)), torch.tensor(y))
    torch_loss.backward()
    assert abs(loss - torch_loss.item()) < 1e-12
    torch_grads = dict(zip(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight",
                            "fc.bias"], (p.grad.numpy() for p in model.parameters())))
    params = net.parameters()
    for name, g in grads.items():
        np.testing.assert_allclose(g, torch_grads[name], rtol=1e-10, atol=1e-13, err_msg=name)
        picks = [tuple(int(rng.integers(0, n)) for n in g.shape) for _ in range(5)]
        numeric = learn.numerical_gradient(lambda: learn.softmax_cross_entropy(net.forward(x), y)[0],
                                           params[name], picks)
        np.testing.assert_allclose(numeric, [g[i] for i in picks], rtol=1e-5, atol=1e-8, err_msg=name)


def test_training_is_deterministic_and_learns():
    require("sklearn", "the digits")
    d = learn.digits()
    runs = [learn.train(learn.small_cnn(0), d.x_train, d.y_train, epochs=3, lr=0.05, seed=1,
                        x_test=d.x_test, labels_test=d.y_test) for _ in range(2)]
    assert runs[0].step_loss == runs[1].step_loss
    assert runs[0].test_accuracy == runs[1].test_accuracy
    assert runs[0].test_accuracy[-1] > 0.85 and runs[0].train_loss[-1] < runs[0].train_loss[0]
    assert len(runs[0].test_loss) == 3 and runs[0].seconds > 0


def test_float32_network_stays_float32():
    net = learn.small_cnn(0, dtype=np.float32)
    x = np.zeros((2, 1, 8, 8), dtype=np.float32)
    logits = net.forward(x)
    net.backward(learn.softmax_cross_entropy(logits, [1, 2])[1].astype(np.float32))
    assert logits.dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients().values())


# --------------------------------------------------------------------------
# loss, optimiser, batches, data, confusion matrix
# --------------------------------------------------------------------------

def test_softmax_cross_entropy_against_torch_and_is_stable():
    torch = _torch()
    rng = _rng(50)
    z = rng.standard_normal((7, 5)) * 30
    y = rng.integers(0, 5, 7)
    loss, d = learn.softmax_cross_entropy(z, y)
    zt = torch.tensor(z, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(zt, torch.tensor(y))
    lt.backward()
    assert abs(loss - lt.item()) < 1e-12
    np.testing.assert_allclose(d, zt.grad.numpy(), atol=1e-15)
    loss_big, _ = learn.softmax_cross_entropy(np.array([[1000.0, 0.0]]), [1])
    assert np.isfinite(loss_big) and abs(loss_big - 1000.0) < 1e-9


def test_sgd_matches_torch_with_and_without_momentum():
    torch = _torch()
    for momentum in (0.0, 0.8):
        p = np.array([1.0, -2.0])
        pt = torch.tensor(p.copy(), requires_grad=True)
        opt, opt_t = learn.SGD(0.1, momentum), torch.optim.SGD([pt], lr=0.1, momentum=momentum)
        for step in range(4):
            g = np.array([0.5 * step - 1.0, 2.0 + step])
            opt.step({"p": p}, {"p": g})
            pt.grad = torch.tensor(g)
            opt_t.step()
        np.testing.assert_allclose(p, pt.detach().numpy(), atol=1e-15)


def test_batches_cover_every_sample_once():
    idx = np.concatenate(list(learn.batches(103, 10, np.random.default_rng(0))))
    assert sorted(idx.tolist()) == list(range(103))
    assert [len(b) for b in learn.batches(103, 10, np.random.default_rng(0))][-1] == 3


def test_digits_are_bundled_split_and_scaled():
    require("sklearn", "the digits")
    d = learn.digits(seed=1, test_fraction=0.25)
    assert len(d.x_train) + len(d.x_test) == 1797 and len(d.x_test) == round(0.25 * 1797)
    assert d.x_train.shape[1:] == (1, 8, 8) and d.x_train.min() == 0.0 and d.x_train.max() == 1.0
    assert set(np.unique(d.y_train)) == set(range(10))
    assert np.array_equal(learn.digits(seed=1, test_fraction=0.25).y_test, d.y_test)
    assert not np.array_equal(learn.digits(seed=2, test_fraction=0.25).y_test, d.y_test)


def test_confusion_matrix_counts():
    c = learn.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=4)
    assert c.shape == (4, 4) and c.sum() == 6 and c.trace() == 4 and c[0, 1] == 1 and c[2, 0] == 1


def test_activations_name_every_layer():
    net = learn.small_cnn(0)
    acts = net.activations(np.zeros((1, 1, 8, 8)))
    assert list(acts) == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "fc"]
    assert acts["pool1"].shape == (1, 8, 4, 4) and acts["fc"].shape == (1, 10)
    assert "conv1: Conv2d(1 -> 8, 3x3" in repr(net)


# --------------------------------------------------------------------------
# bad input: clear errors naming the argument
# --------------------------------------------------------------------------

@pytest.mark.parametrize("make, error, match", [
    (lambda: learn.Conv2d(np.ones((3, 3))), ValueError, "weight must be a non-empty 4-D array"),
    (lambda: learn.Conv2d(np.ones((2, 1, 3, 3)), np.ones(3)), ValueError, r"bias must have shape \(C_out,\)"),
    (lambda: learn.Conv2d("w"), TypeError, "weight must be a real numeric array"),
    (lambda: learn.Linear(np.ones(3)), ValueError, "weight must be a non-empty 2-D array"),
    (lambda: learn.Linear(np.ones((2, 3)), np.ones(3)), ValueError, r"bias must have shape \(n_out,\)"),
    (lambda: learn.Linear(np.ones((2, 3))).forward(np.ones((4, 2))), ValueError, r"x must have shape \(N, 3\)"),
    (lambda: learn.Conv2d(np.ones((2, 1, 3, 3))).forward(np.ones((1, 8, 8))), ValueError,
     "x must be a non-empty 4-D array"),
    (lambda: learn.ReLU().backward(np.ones(3)), RuntimeError, "ReLU.backward called before forward"),
    (lambda: learn.Conv2d(np.ones((2, 1, 3, 3))).backward(np.ones((1, 2, 1, 1))), RuntimeError,
     "before forward"),
    (lambda: learn.Sequential([]), TypeError, "layers must be a non-empty sequence"),
    (lambda: learn.Sequential([("a", learn.ReLU()), ("a", learn.ReLU())]), ValueError, "distinct names"),
    (lambda: learn.Sequential([learn.ReLU()]), TypeError, r"layers must hold \(name, Layer\) pairs"),
    (lambda: learn.small_cnn(0)["conv9"], KeyError, "no layer named 'conv9'"),
    (lambda: learn.small_cnn(-1), ValueError, "seed must be a non-negative int"),
    (lambda: learn.small_cnn(0, image_size=10), ValueError, "image_size must be divisible by 4"),
    (lambda: learn.small_cnn(0, pool="min"), ValueError, "pool"),
    (lambda: learn.small_cnn(0, dtype=np.int64), TypeError, "dtype must be a floating dtype"),
    (lambda: learn.small_cnn(0, channels=(8,)), ValueError, "channels"),
    (lambda: learn.softmax_cross_entropy(np.zeros((2, 3)), [0.0, 1.0]), TypeError,
     "labels must be an array of integer class labels"),
    (lambda: learn.softmax_cross_entropy(np.zeros((2, 3)), [0]), ValueError, r"labels must have shape \(2,\)"),
    (lambda: learn.softmax_cross_entropy(np.zeros((2, 3)), [0, -1]), ValueError, r"labels must lie in 0..2"),
    (lambda: learn.softmax_cross_entropy(np.zeros(3), [0]), ValueError, "logits must be a non-empty 2-D array"),
    (lambda: learn.SGD(0.0), ValueError, "lr must be a positive finite number"),
    (lambda: learn.SGD(0.1, momentum=1.0), ValueError, r"momentum must be a number in \[0, 1\)"),
    (lambda: learn.SGD(0.1).step({"a": np.ones(2)}, {"b": np.ones(2)}), ValueError, "grads must have the keys"),
    (lambda: learn.SGD(0.1).step({"a": np.ones(2)}, {"a": np.ones(3)}), ValueError,
     r"grads\['a'\] must have shape \(2,\)"),
    (lambda: list(learn.batches(10, 0, np.random.default_rng(0))), ValueError, "batch_size must be a positive int"),
    (lambda: list(learn.batches(10, 2, 0)), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: learn.train("net", np.zeros((2, 1, 8, 8)), [0, 1]), TypeError, "net must be a convlab.learn.Sequential"),
    (lambda: learn.train(learn.small_cnn(0), np.zeros((2, 1, 8, 8)), [0, 1], epochs=0), ValueError,
     "epochs must be a positive int"),
    (lambda: learn.train(learn.small_cnn(0), np.zeros((2, 1, 8, 8)), [0, 1], x_test=np.zeros((1, 1, 8, 8))),
     ValueError, "x_test and labels_test must be given together"),
    (lambda: learn.train(learn.small_cnn(0), np.zeros((2, 1, 8, 8)), [0, 1], callback=3), TypeError,
     "callback must be callable"),
    (lambda: learn.digits(test_fraction=1.5), ValueError, r"test_fraction must be a number in \(0, 1\)"),
    (lambda: learn.numerical_gradient(lambda: 0.0, [1.0, 2.0]), TypeError, "array must be a floating numpy array"),
    (lambda: learn.numerical_gradient(lambda: 0.0, np.ones(2), h=0), ValueError, "h must be a positive"),
    (lambda: learn.numerical_gradient(3, np.ones(2)), TypeError, "f must be callable"),
    (lambda: learn.confusion_matrix([0, 1], [0]), ValueError, r"predicted must have shape \(2,\)"),
    (lambda: learn.confusion_matrix([0, 1], [0, 5], n_classes=3), ValueError, r"predicted must lie in 0..2"),
])
def test_bad_input_is_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_grad_output_shape_is_named():
    relu = learn.ReLU()
    relu.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"dy must have the shape of the layer's last output \(2, 3\)"):
        relu.backward(np.ones((3, 2)))
    conv = learn.Conv2d(np.ones((2, 1, 3, 3)))
    conv.forward(np.ones((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="grad_output"):
        conv.backward(np.ones((1, 2, 4, 4)))
