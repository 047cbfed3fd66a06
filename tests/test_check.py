"""convlab.check grades a reader's function: right answers pass, and each
kind of wrong answer is caught and named."""

from __future__ import annotations

import numpy as np
import pytest

import convlab


def valid_correlate(x, w):
    return np.array([x[i:i + len(w)] @ w for i in range(len(x) - len(w) + 1)])


def test_a_correct_implementation_passes():
    result = convlab.check(valid_correlate, "correlate")
    assert result.ok and bool(result) and result.total >= 20
    assert repr(result).startswith("✔ correlate: all")


def test_a_flipped_kernel_is_caught():
    result = convlab.check(lambda x, w: valid_correlate(x, w[::-1]), "convolve", mode="valid")
    assert result.ok  # correlating with the flipped kernel *is* convolution
    result = convlab.check(lambda x, w: valid_correlate(x, w[::-1]), "correlate")
    assert not result.ok
    assert "wrong values" in result.failures[0].why


def test_wrong_shape_is_named():
    result = convlab.check(lambda x, w: valid_correlate(x, w)[:-1], "correlate")
    assert not result.ok
    assert "wrong shape" in result.failures[0].why
    assert "expected" in str(result) and "x = np.array(" in str(result)


def test_a_crash_is_a_failure_not_an_exception():
    def broken(x, w):
        raise IndexError("index 5 is out of bounds")
    result = convlab.check(broken, "correlate")
    assert not result.ok and result.failures[0].why.startswith("raised IndexError: index 5")


def test_non_array_answer():
    result = convlab.check(lambda x, w: "nope", "correlate")
    assert not result.ok


def test_reader_cannot_modify_the_cases():
    def vandal(x, w):
        y = valid_correlate(x, w)
        x[...] = 0
        return y
    assert convlab.check(vandal, "correlate").ok


def test_options_go_to_the_reference_and_optionally_to_fn():
    def strided(x, w, stride=1):
        return convlab.conv1d(x, w, stride=stride, method="loop")
    assert convlab.check(strided, "conv1d", stride=2, pass_options=True).ok
    assert not convlab.check(strided, "conv1d", stride=2).ok


def test_two_dimensional_cases():
    def corr2(x, w):
        return convlab.conv2d(x[None, None], w[None, None], method="loop")[0, 0]
    assert convlab.check(corr2, "correlate", ndim=2).ok


def test_output_size_task():
    assert convlab.check(convlab.output_size, "output_size").ok
    assert not convlab.check(lambda n, k: n - k, "output_size").ok
    assert not convlab.check(lambda n, k: n - k + 1, "output_size").ok  # impossible layers must raise


def test_groups_build_matching_cases():
    def grouped(x, w):
        return convlab.conv2d(x, w, groups=2, method="im2col")
    assert convlab.check(grouped, "conv2d", groups=2).ok


def test_same_seed_same_cases():
    seen = []
    convlab.check(lambda x, w: seen.append(x.copy()) or valid_correlate(x, w), "correlate", seed=3)
    again = []
    convlab.check(lambda x, w: again.append(x.copy()) or valid_correlate(x, w), "correlate", seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(seen, again))


def test_bad_task_and_fn():
    with pytest.raises(ValueError, match=r"task must be one of \('correlate', 'convolve', 'conv1d', 'conv2d', 'conv1d_single', "
                       r"'conv2d_single', 'output_size', 'conv1d_weight', 'conv2d_weight', 'conv1d_input', "
                       r"'conv2d_input', 'max_pool2d_backward', 'conv_transpose1d', 'conv_transpose2d', "
                       r"'locally_connected2d', 'locally_connected2d_weight'\); "
                       r"got 'fft'"):
        convlab.check(valid_correlate, "fft")
    with pytest.raises(TypeError, match="fn must be callable; got 3"):
        convlab.check(3, "correlate")


def test_single_channel_layers_take_bare_signals_and_images():
    def layer1d(x, w, stride=1, padding=0, dilation=1):
        assert x.ndim == w.ndim == 1
        return convlab.conv1d(x[None], w[None, None], stride=stride, padding=padding, dilation=dilation)[0]

    def layer2d(x, w, stride=1, padding=0):
        assert x.ndim == w.ndim == 2
        return convlab.conv2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]

    assert convlab.check(layer1d, "conv1d_single", stride=2, padding=1, dilation=2, pass_options=True).ok
    assert convlab.check(layer2d, "conv2d_single", stride=2, padding=1, pass_options=True).ok
    assert not convlab.check(layer1d, "conv1d_single", stride=2).ok        # options not passed on


def test_over_grades_every_combination_and_names_the_failing_one():
    def strided(x, w, stride=1, padding=0):
        return convlab.conv1d(x[None], w[None, None], stride=stride, padding=padding)[0]

    combos = [dict(stride=s, padding=p) for s in (1, 2, 3) for p in (0, 1)]
    result = convlab.check(strided, "conv1d_single", over=combos, pass_options=True)
    single = [convlab.check(strided, "conv1d_single", pass_options=True, **c).total for c in combos]
    assert result.ok and result.combinations == 6 and result.total == sum(single)
    assert repr(result).endswith("(6 combinations of options)")

    def ignores_padding(x, w, stride=1, padding=0):
        return strided(x, w, stride=stride)

    result = convlab.check(ignores_padding, "conv1d_single", over=combos, pass_options=True)
    assert not result.ok
    assert {f.label.split(":")[0] for f in result.failures} == {f"stride={s}, padding=1" for s in (1, 2, 3)}
    # options outside over= apply to every combination
    assert convlab.check(strided, "conv1d_single", over=[{"stride": 1}, {"stride": 2}], padding=1,
                         pass_options=True).ok


def test_over_must_be_a_sequence_of_mappings():
    for bad in ({"stride": 2}, [], "stride", [("stride", 2)]):
        with pytest.raises(TypeError, match="over must"):
            convlab.check(valid_correlate, "correlate", over=bad)
    with pytest.raises(ValueError, match="stride must be a positive int; got 0"):
        convlab.check(valid_correlate, "output_size", over=[{"padding": 0}, {"stride": 0}])


def test_forbid_convlab_catches_every_way_in():
    from convlab import conv2d as imported  # an alias made before the check
    from convlab.conv import conv2d as from_module

    def by_loop(x, w):
        c_out, _, kh, kw = w.shape
        y = np.zeros((x.shape[0], c_out, x.shape[2] - kh + 1, x.shape[3] - kw + 1))
        for n, o, i, j in np.ndindex(y.shape):
            y[n, o, i, j] = np.sum(x[n, :, i:i + kh, j:j + kw] * w[o])
        return y

    assert convlab.check(by_loop, "conv2d", forbid="convlab").ok
    for cheat in (lambda x, w: convlab.conv2d(x, w), lambda x, w: imported(x, w),
                  lambda x, w: from_module(x, w), lambda x, w: convlab.convnd(x, w)):
        result = convlab.check(cheat, "conv2d", forbid="convlab")
        assert not result.ok and len(result.failures) == result.total
        assert result.failures[0].why.startswith("called convlab.conv.conv")
        assert result.failures[0].why.endswith("which this exercise forbids")
    assert convlab.check(lambda x, w: imported(x, w), "conv2d").ok     # not forbidden: passes


def test_forbid_names_only_those_functions():
    def via_unfold(x, w):
        cols = convlab.unfold(x, w.shape[2:])
        y = w.reshape(w.shape[0], -1) @ cols
        return y.reshape(x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1)

    assert convlab.check(via_unfold, "conv2d", forbid=("conv2d", "convnd")).ok
    result = convlab.check(via_unfold, "conv2d", forbid=("unfold",))
    assert not result.ok and result.failures[0].why == "called convlab.unfold, which this exercise forbids"
    over = convlab.check(via_unfold, "conv2d", forbid="unfold", over=[{}, {"groups": 1}])
    assert not over.ok and len(over.failures) == over.total


def test_forbid_reports_a_crash_after_a_forbidden_call_and_restores_the_profiler():
    import sys

    def cheat_then_crash(x, w):
        convlab.correlate(x, w)
        raise RuntimeError("boom")

    before = sys.getprofile()
    result = convlab.check(cheat_then_crash, "correlate", forbid="convlab")
    assert sys.getprofile() is before
    assert result.failures[0].why == ("called convlab.conv.correlate, which this exercise forbids "
                                      "(then raised RuntimeError: boom)")


def test_bad_forbid():
    with pytest.raises(ValueError, match="forbid must hold 'convlab' or names of convlab's public functions"):
        convlab.check(valid_correlate, "correlate", forbid="numpy")
    with pytest.raises(ValueError, match="got '_engine'"):
        convlab.check(valid_correlate, "correlate", forbid=["_engine"])
    with pytest.raises(ValueError, match="got 'viz'"):
        convlab.check(valid_correlate, "correlate", forbid=["viz"])
    with pytest.raises(TypeError, match="forbid must be a str or a sequence of str; got 3"):
        convlab.check(valid_correlate, "correlate", forbid=3)


# --------------------------------------------------------------------------
# gradient tasks (chapter 8): torch.nn.grad's argument orders, and max pooling's backward
# --------------------------------------------------------------------------

def _weight_grad_by_taps(x, weight_size, grad_output, stride=1, padding=0, dilation=1):
    """dL/dw[o, c, a] = sum_{n, i} dy[n, o, i] x_padded[n, c, i*stride + a*dilation], NumPy only."""
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding)])
    n_out = grad_output.shape[-1]
    dw = np.zeros(weight_size)
    for a in range(weight_size[-1]):
        window = xp[:, :, a * dilation: a * dilation + (n_out - 1) * stride + 1: stride]
        dw[:, :, a] = np.einsum("noi,nci->oc", grad_output, window)
    return dw


def _input_grad_by_scatter(input_size, w, grad_output, stride=1, padding=0, dilation=1):
    n_batch, c_in, n = input_size
    dxp = np.zeros((n_batch, c_in, n + 2 * padding))
    for i in range(grad_output.shape[-1]):
        for a in range(w.shape[-1]):
            dxp[:, :, i * stride + a * dilation] += np.einsum("no,oc->nc", grad_output[:, :, i], w[:, :, a])
    return dxp[:, :, padding: padding + n]


GEOMETRIES = [dict(stride=s, padding=p, dilation=d) for s in (1, 2, 3) for p in (0, 1) for d in (1, 2)]


def test_weight_gradient_task_grades_numpy_solutions_over_strides_paddings_dilations():
    result = convlab.check(_weight_grad_by_taps, "conv1d_weight", pass_options=True, over=GEOMETRIES,
                           forbid="convlab")
    assert result.ok and result.combinations == 12 and result.total > 12 * 15
    # a stride forgotten is caught, and only where the stride is not 1
    def no_stride(x, weight_size, grad_output, stride=1, padding=0, dilation=1):
        return _weight_grad_by_taps(x, weight_size, grad_output, 1, padding, dilation)

    result = convlab.check(no_stride, "conv1d_weight", pass_options=True, over=GEOMETRIES)
    assert not result.ok
    assert {f.label.split(",")[0] for f in result.failures} == {"stride=2", "stride=3"}


def test_gradient_tasks_pass_convlab_grad_and_forbid_catches_it():
    from convlab import grad

    for task, fn in [("conv1d_weight", grad.conv1d_weight), ("conv2d_weight", grad.conv2d_weight),
                     ("conv1d_input", grad.conv1d_input), ("conv2d_input", grad.conv2d_input)]:
        assert convlab.check(fn, task, stride=2, padding=1, pass_options=True).ok, task
        assert convlab.check(fn, task, groups=2, pass_options=True).ok, task
        cheat = convlab.check(fn, task, forbid="convlab")
        assert not cheat.ok and "which this exercise forbids" in cheat.failures[0].why
    assert convlab.check(_input_grad_by_scatter, "conv1d_input", pass_options=True, over=GEOMETRIES).ok


def test_gradient_cases_have_the_right_shapes_and_an_integer_case():
    seen = []

    def spy(x, weight_size, grad_output, **_):
        seen.append((x.shape, weight_size, grad_output.shape, x.dtype.kind))
        return np.zeros(weight_size)

    convlab.check(spy, "conv2d_weight", stride=2, pass_options=True)
    for x_shape, w_shape, dy_shape, _ in seen:
        assert dy_shape == convlab.conv2d(np.zeros(x_shape), np.zeros(w_shape), stride=2).shape
    assert any(kind == "i" for *_, kind in seen)


def _max_pool_backward_loops(grad_output, x, kernel_size, stride=None, last=False):
    stride = kernel_size if stride is None else stride
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(grad_output.shape):
        window = x[n, c, i * stride: i * stride + kernel_size, j * stride: j * stride + kernel_size]
        flat = window.size - 1 - np.argmax(window.ravel()[::-1]) if last else np.argmax(window)
        r, q = np.unravel_index(flat, window.shape)
        dx[n, c, i * stride + r, j * stride + q] += grad_output[n, c, i, j]
    return dx


POOLS = [dict(kernel_size=2, stride=2), dict(kernel_size=3, stride=2), dict(kernel_size=3, stride=1)]


def test_max_pool_backward_task_catches_assignment_only_where_windows_overlap():
    assert convlab.check(_max_pool_backward_loops, "max_pool2d_backward", pass_options=True, over=POOLS).ok

    def assigns(grad_output, x, kernel_size, stride=None):
        stride = kernel_size if stride is None else stride
        dx = np.zeros(x.shape)
        for n, c, i, j in np.ndindex(grad_output.shape):
            window = x[n, c, i * stride: i * stride + kernel_size, j * stride: j * stride + kernel_size]
            r, q = np.unravel_index(np.argmax(window), window.shape)
            dx[n, c, i * stride + r, j * stride + q] = grad_output[n, c, i, j]      # = instead of +=
        return dx

    result = convlab.check(assigns, "max_pool2d_backward", pass_options=True, over=POOLS)
    assert not result.ok
    assert {f.label.split(":")[0] for f in result.failures} <= {"kernel_size=3, stride=2",
                                                                 "kernel_size=3, stride=1"}
    assert convlab.check(assigns, "max_pool2d_backward", kernel_size=2, pass_options=True).ok


def test_max_pool_backward_task_needs_a_kernel_size_and_has_ties():
    with pytest.raises(TypeError, match="needs the pooling's kernel_size"):
        convlab.check(_max_pool_backward_loops, "max_pool2d_backward")
    labels = []
    convlab.check(lambda dy, x: labels.append(x.shape) or np.zeros(x.shape), "max_pool2d_backward",
                  kernel_size=2)
    assert labels[0] == (1, 1, 4, 4)

    def last_maximum(grad_output, x, kernel_size):
        return _max_pool_backward_loops(grad_output, x, kernel_size, last=True)

    result = convlab.check(last_maximum, "max_pool2d_backward", kernel_size=2, pass_options=True)
    assert [f.label for f in result.failures] == ["ties: the first maximum of a window wins"]


# --------------------------------------------------------------------------
# transposed convolution: conv_transpose1d / conv_transpose2d
# --------------------------------------------------------------------------

TRANSPOSED = [dict(stride=s, padding=p, output_padding=q) for s in (1, 2, 3) for p in (0, 1) for q in range(s)]


def _transpose_by_zero_insertion(x, w, stride=1, padding=0, output_padding=0, flip=True, extra_at="end"):
    """NumPy only: stretch x with stride-1 zeros, pad k-1-p (plus output_padding), correlate with flip(w)."""
    n_batch, c_in, n = x.shape
    _, c_out, k = w.shape
    stretched = np.zeros((n_batch, c_in, (n - 1) * stride + 1))
    stretched[..., ::stride] = x
    border = k - 1 - padding
    after = output_padding if extra_at == "end" else 0
    before = output_padding if extra_at == "start" else 0
    padded = np.pad(stretched, ((0, 0), (0, 0), (max(border, 0) + before, max(border, 0) + after)))
    if border < 0:                                   # more padding than k - 1: crop instead
        padded = padded[..., -border:padded.shape[-1] + border]
    kernel = w[..., ::-1] if flip else w                                 # (C_in, C_out, k)
    n_out = padded.shape[-1] - k + 1
    z = np.zeros((n_batch, c_out, n_out))
    for i in range(n_out):
        z[..., i] = np.einsum("bca,coa->bo", padded[..., i:i + k], kernel)
    return z


def test_transposed_task_passes_a_numpy_implementation_over_strides_paddings_output_paddings():
    result = convlab.check(_transpose_by_zero_insertion, "conv_transpose1d", pass_options=True, over=TRANSPOSED,
                           forbid="convlab")
    assert result.ok and result.combinations == len(TRANSPOSED) and result.total > 20 * len(TRANSPOSED)
    assert convlab.check(lambda x, w: convlab.conv_transpose2d(x, w, method="loop"), "conv_transpose2d").ok


def test_transposed_task_catches_a_forgotten_flip_and_output_padding_at_the_wrong_end():
    def unflipped(x, w, **options):
        return _transpose_by_zero_insertion(x, w, flip=False, **options)

    result = convlab.check(unflipped, "conv_transpose1d", pass_options=True, over=TRANSPOSED)
    assert not result.ok and "wrong values" in result.failures[0].why
    assert "asymmetric kernel (the flip matters)" in {f.label.split(": ")[-1] for f in result.failures}

    def at_the_start(x, w, **options):
        return _transpose_by_zero_insertion(x, w, extra_at="start", **options)

    result = convlab.check(at_the_start, "conv_transpose1d", pass_options=True, over=TRANSPOSED)
    failed = {f.label.split(":")[0] for f in result.failures}
    assert failed and all("output_padding=0" not in label for label in failed)   # only output_padding > 0


def test_transposed_task_weights_are_c_in_first_and_forbid_catches_convlab():
    shapes = []

    def spy(x, w):
        shapes.append((x.shape, w.shape))
        return convlab.conv_transpose1d(x, w)

    assert convlab.check(spy, "conv_transpose1d").ok
    assert all(xs[1] == ws[0] for xs, ws in shapes)                 # w is (C_in, C_out/groups, k)
    assert shapes[0] == ((1, 1, 1), (1, 1, 3))                       # one input cell: the output is the kernel
    result = convlab.check(spy, "conv_transpose1d", forbid="conv_transpose1d")
    assert not result.ok and "conv_transpose1d" in result.failures[0].why
    assert convlab.check(lambda x, w: convlab.conv_transpose1d(x, w, groups=2), "conv_transpose1d", groups=2).ok


def test_transposed_task_skips_options_torch_refuses():
    with pytest.raises(ValueError, match="no case is defined for task 'conv_transpose1d'"):
        convlab.check(_transpose_by_zero_insertion, "conv_transpose1d", output_padding=1)    # needs stride > 1
