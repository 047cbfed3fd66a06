"""convlab.check's locally connected tasks (chapter 9): a NumPy loop over output positions passes
over strides and paddings, and a forgotten bias or a shared kernel is caught."""

import numpy as np

import convlab

OVER = [dict(stride=s, padding=p) for s in (1, 2, 3) for p in (0, 1, 2)]


def _patches(x, kh, kw, ho, wo, stride, padding):
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    for i, j in np.ndindex(ho, wo):
        yield i, j, xp[:, :, i * stride: i * stride + kh, j * stride: j * stride + kw]


def local_by_loops(x, w, bias=None, stride=1, padding=0):
    ho, wo, c_out, _, kh, kw = w.shape
    y = np.zeros((x.shape[0], c_out, ho, wo), dtype=np.result_type(x, w, float))
    for i, j, patch in _patches(x, kh, kw, ho, wo, stride, padding):
        y[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w[i, j])
    return y if bias is None else y + bias


def local_weight_by_loops(x, weight_size, grad_output, stride=1, padding=0):
    ho, wo, _, _, kh, kw = weight_size
    dw = np.zeros(weight_size)
    for i, j, patch in _patches(x, kh, kw, ho, wo, stride, padding):
        dw[i, j] = np.einsum("nchw,no->ochw", patch, grad_output[:, :, i, j])
    return dw


def test_locally_connected_tasks_pass_numpy_loops_over_strides_and_paddings():
    result = convlab.check(local_by_loops, "locally_connected2d", pass_options=True, over=OVER, forbid="convlab")
    assert result.ok and result.combinations == 9 and result.total > 9 * 15
    result = convlab.check(local_weight_by_loops, "locally_connected2d_weight", pass_options=True, over=OVER,
                           forbid="convlab")
    assert result.ok and result.total > 9 * 15


def test_the_reference_is_convlab_local():
    assert convlab.check(convlab.locally_connected2d, "locally_connected2d").ok
    assert convlab.check(convlab.local.locally_connected_weight, "locally_connected2d_weight").ok


def test_a_forgotten_bias_and_a_shared_kernel_fail():
    result = convlab.check(lambda x, w, bias=None: local_by_loops(x, w), "locally_connected2d")
    assert not result.ok and all(len(f.args) == 3 for f in result.failures)   # only cases with a bias fail

    def shared(x, w, bias=None):                   # the kernel of position (0, 0) everywhere: a convolution
        return local_by_loops(x, np.broadcast_to(w[:1, :1], w.shape), bias)

    result = convlab.check(shared, "locally_connected2d")
    assert not result.ok
    assert "kernel as large as the input: one output cell" not in {f.label for f in result.failures}


def test_weight_cases_have_the_layout_of_convlab_local():
    seen = []

    def spy(x, weight_size, grad_output, stride=1, padding=0):
        seen.append((x.shape, weight_size, grad_output.shape, stride, padding))
        return local_weight_by_loops(x, weight_size, grad_output, stride, padding)

    convlab.check(spy, "locally_connected2d_weight", stride=2, padding=1, pass_options=True)
    for x_shape, (ho, wo, c_out, c_in, kh, kw), dy_shape, s, p in seen:
        assert x_shape[1] == c_in and dy_shape == (x_shape[0], c_out, ho, wo)
        assert (ho, wo) == tuple(convlab.output_size(n, k, stride=s, padding=p)
                                 for n, k in zip(x_shape[2:], (kh, kw)))
