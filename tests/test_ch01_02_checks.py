"""The output-size checks of chapters 1 and 2 count windows, so they can fail (issue 21).

The chapters list window starts in plain Python and compare the count with
``output_size`` and with the shapes convlab returns; these tests run the
same counting against deliberately wrong size rules and show it catches them.
"""

import itertools

import numpy as np

import convlab

GRID = list(itertools.product(range(1, 13), range(1, 7), (1, 2, 3), (0, 1, 2), (1, 2, 3)))


def count_windows(n, k, stride=1, padding=0, dilation=1):
    starts, start = [], 0
    while start + dilation * (k - 1) <= n + 2 * padding - 1:
        starts.append(start)
        start += stride
    return len(starts)


def disagreements(size_rule):
    bad = []
    for n, k, s, p, d in GRID:
        counted = count_windows(n, k, s, p, d)
        if counted >= 1 and size_rule(n, k, stride=s, padding=p, dilation=d) != counted:
            bad.append((n, k, s, p, d))
    return bad


def test_convlab_agrees_with_the_count_and_refuses_where_no_window_fits():
    assert not disagreements(convlab.output_size)
    for n, k, s, p, d in GRID[::7]:
        options = dict(stride=s, padding=p, dilation=d)
        counted = count_windows(n, k, **options)
        x, w = np.zeros((1, 1, n)), np.ones((1, 1, k))
        if counted >= 1:
            assert convlab.conv1d(x, w, **options).shape[-1] == counted
        else:
            try:
                convlab.conv1d(x, w, **options)
            except ValueError:
                continue
            raise AssertionError((n, k, options))


def test_the_count_catches_wrong_size_rules():
    def ceil_instead_of_floor(n, k, stride=1, padding=0, dilation=1):
        return -(-(n + 2 * padding - dilation * (k - 1) - 1) // stride) + 1

    def forgets_dilation(n, k, stride=1, padding=0, dilation=1):
        return (n + 2 * padding - k) // stride + 1

    def one_side_of_padding(n, k, stride=1, padding=0, dilation=1):
        return (n + padding - dilation * (k - 1) - 1) // stride + 1

    for wrong in (ceil_instead_of_floor, forgets_dilation, one_side_of_padding):
        assert disagreements(wrong), wrong.__name__


def test_chapter_2_bug_computes_the_top_left_block():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((10, 8)), rng.standard_normal((6, 3))
    xp = np.pad(x, 1)

    def windows(rows, cols):
        return np.array([[np.sum(xp[r:r + 6, c:c + 3] * w) for c in range(cols)] for r in range(rows)])

    good = convlab.conv2d(x[None, None], w[None, None], padding=1)[0, 0]
    bad = windows(10 - 6 + 1, 8 - 3 + 1)  # sized on the unpadded x
    assert good.shape == (7, 8) and np.allclose(bad, good[:5, :6])
