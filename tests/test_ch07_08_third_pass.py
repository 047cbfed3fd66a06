"""Third pass of chapters 7 and 8 (issue 21): the explorer's transposed still, and the checks the
chapters now make, each shown failing on a deliberately wrong input."""

import numpy as np
import pytest

import convlab
from convlab.viz.explorer import index_explorer

SETTINGS = dict(kernel_sizes=(2, 3), strides=(1, 2), paddings=(0, 1), dilations=(1,))


def test_explorer_can_start_and_print_in_the_transposed_direction():
    forward = index_explorer(5, transposed_input_size=3, first=(3, 2, 1, 1), **SETTINGS)
    backward = index_explorer(5, transposed_input_size=3, first=(3, 2, 1, 1),
                              first_mode="transposed convolution", **SETTINGS)
    assert forward.first == "convolution|3|2|1|1"
    assert backward.first == "transposed convolution|3|2|1|1"
    assert backward._still[:4] == b"\x89PNG" and backward._still != forward._still
    assert '"mode":"transposed convolution"' in backward.html
    with pytest.raises(ValueError, match="first_mode"):
        index_explorer(5, transposed_input_size=None, first_mode="transposed convolution", **SETTINGS)


def window_maxima_unique(x, k, s):
    """The chapter-8 check: in every pooling window the maximum occurs once."""
    n_h, n_w = x.shape
    for i in range(0, n_h - k + 1, s):
        for j in range(0, n_w - k + 1, s):
            window = x[i:i + k, j:j + k]
            if np.count_nonzero(window == window.max()) != 1:
                return False
    return True


def test_unique_window_maximum_check_catches_a_tie():
    x = np.array([[1, 5, 2, 0, 3], [0, 3, 4, 1, 1], [2, 1, 0, 6, 2], [3, 2, 1, 3, 0],
                  [1, 0, 2, 2, 5]], dtype=float)
    assert window_maxima_unique(x, 3, 1)
    tied = x.copy()
    tied[0, 0] = 5.0                                  # a second 5 in the first window
    assert not window_maxima_unique(tied, 2, 2)


def phase_sums(kernel, s=2):
    return [float(kernel[a::s, b::s].sum()) for a in range(s) for b in range(s)]


def test_resize_then_convolve_is_a_transposed_convolution_with_even_phase_sums():
    rng = np.random.default_rng(0)
    w = rng.uniform(0, 1, (3, 3))
    box = np.ones((2, 2))
    equivalent = convlab.convolve(w, box, "full")[::-1, ::-1]     # (w * box_2) turned by 180°, 4x4
    img = rng.standard_normal((1, 1, 6, 6))
    nearest = np.repeat(np.repeat(img, 2, axis=2), 2, axis=3)
    resized = convlab.conv2d(nearest, w[None, None], padding=1)
    transposed = convlab.conv_transpose2d(img, equivalent[None, None], stride=2, padding=1)
    np.testing.assert_allclose(resized, transposed, atol=1e-12)
    # without the turn the outputs differ: this comparison can fail
    unturned = convlab.conv_transpose2d(img, equivalent[::-1, ::-1][None, None], stride=2, padding=1)
    assert np.abs(resized - unturned).max() > 0.1
    assert np.allclose(phase_sums(equivalent), w.sum())
    # a kernel that is not w * box_2 need not have equal phase sums: the check can fail
    assert not np.allclose(phase_sums(rng.uniform(0, 1, (4, 4))), w.sum())


def _conv1d_input_grouped(input_size, w, grad_output, stride=1, groups=1, blocks=True):
    c_out, c_per, k = w.shape
    o_per = c_out // groups
    dx = np.zeros(input_size)
    for o in range(c_out):
        first = (o // o_per) * c_per if blocks else 0
        for i in range(grad_output.shape[-1]):
            for a in range(k):
                dx[:, first:first + c_per, i * stride + a] += grad_output[:, o, i, None] * w[o, :, a]
    return dx


def test_grader_grades_the_grouped_input_gradient_of_chapter_8():
    over = [dict(stride=s, groups=g) for s in (1, 2) for g in (1, 2, 3)]
    assert convlab.check(_conv1d_input_grouped, "conv1d_input", pass_options=True, over=over).ok
    # forgetting which block an output channel belongs to passes groups=1 and fails groups > 1
    def wrong(input_size, w, grad_output, stride=1, groups=1):
        return _conv1d_input_grouped(input_size, w, grad_output, stride, groups, blocks=False)
    result = convlab.check(wrong, "conv1d_input", pass_options=True, over=over)
    assert not result.ok
    assert all("groups=1" not in f.label for f in result.failures)


def _conv2d_weight(x, weight_size, grad_output, stride=1, padding=0, dilation=1, swap=False):
    s, d = (dilation, stride) if swap else (stride, dilation)
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    oh, ow = grad_output.shape[-2:]
    dw = np.zeros(weight_size)
    for a in range(weight_size[2]):
        for b in range(weight_size[3]):
            met = xp[:, :, a * d:a * d + (oh - 1) * s + 1:s, b * d:b * d + (ow - 1) * s + 1:s]
            if met.shape[-2:] != (oh, ow):
                return np.full(weight_size, np.nan)
            dw[:, :, a, b] = np.einsum("noij,ncij->oc", grad_output, met)
    return dw


def test_grader_grades_the_2d_weight_gradient_with_stride_and_dilation():
    over = [dict(stride=s, padding=p, dilation=d) for s in (1, 2, 3) for p in (0, 1) for d in (1, 2)]
    assert convlab.check(_conv2d_weight, "conv2d_weight", pass_options=True, over=over).ok
    def swapped(*args, **options):                     # stride and dilation confused
        return _conv2d_weight(*args, swap=True, **options)
    result = convlab.check(swapped, "conv2d_weight", pass_options=True, over=over)
    assert not result.ok
    assert all("stride=1" not in f.label or "dilation=1" not in f.label for f in result.failures)
