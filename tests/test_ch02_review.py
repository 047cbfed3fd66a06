"""Chapter 2's expert read (issue 21): the checks it added can fail.

* The layer's matrix is compared block by block with Toeplitz blocks written
  from the rule (entry (j, m') = w[a, m' - j]), not with convlab's own 1-D
  matrix; a layer that flips its kernel, transposes it or turns its rows upside
  down fails.
* ex-02-bug: the buggy layer is short by floor((H + 2p - k)/s) - floor((H - k)/s)
  rows (2p only at stride 1) and never reads the image's last p rows and
  columns; the old claim "2p short" fails at stride 2, and the "unread" check
  fails on the fixed layer.
"""

import itertools

import numpy as np

import convlab


def toeplitz_block(taps, rows, cols):
    block = np.zeros((rows, cols))
    for j, m in itertools.product(range(rows), range(cols)):
        if 0 <= m - j < len(taps):
            block[j, m] = taps[m - j]
    return block


def layer_matrix(layer, w, h, wd):
    columns = []
    for m in range(h * wd):
        e = np.zeros(h * wd)
        e[m] = 1.0
        columns.append(layer(e.reshape(h, wd), w).ravel())
    return np.array(columns).T


def blocks_follow_the_rule(layer, w, h=4, wd=5):
    kh, kw = w.shape
    ho, wo = h - kh + 1, wd - kw + 1
    big_m = layer_matrix(layer, w, h, wd)
    for i, m in itertools.product(range(ho), range(h)):
        a = m - i
        expected = toeplitz_block(w[a] if 0 <= a < kh else [], wo, wd)
        if not np.allclose(big_m[i * wo:(i + 1) * wo, m * wd:(m + 1) * wd], expected):
            return False
    return True


def conv2d(x, w):
    return convlab.conv2d(x[None, None], w[None, None])[0, 0]


def test_the_block_rule_accepts_conv2d_and_rejects_wrong_layers():
    w = np.random.default_rng(0).standard_normal((3, 3))
    assert blocks_follow_the_rule(conv2d, w)
    assert not blocks_follow_the_rule(lambda x, k: conv2d(x, k[::-1, ::-1]), w)  # flips the kernel
    assert not blocks_follow_the_rule(lambda x, k: conv2d(x, k.T), w)  # reads the kernel column-major
    assert not blocks_follow_the_rule(lambda x, k: conv2d(x, k[::-1]), w)  # kernel rows upside down


def buggy(x, w, stride, padding):
    kh, kw = w.shape
    xp = np.pad(x, padding)
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    return np.array([[np.sum(xp[r * stride:r * stride + kh, c * stride:c * stride + kw] * w)
                      for c in range(ow)] for r in range(oh)])


def right(x, w, stride, padding):
    return convlab.conv2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]


def ignores_last_row_and_column(layer, x, w, stride):
    changed = x.copy()
    changed[-1, :] += 10.0
    changed[:, -1] += 10.0
    return np.array_equal(layer(changed, w, stride, 1), layer(x, w, stride, 1))


def test_bug_shortfall_and_unread_rows():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((10, 8)), rng.standard_normal((6, 3))
    for s in (1, 2):
        bad, good = buggy(x, w, s, 1), right(x, w, s, 1)
        assert np.allclose(bad, good[:bad.shape[0], :bad.shape[1]])
        short = good.shape[0] - bad.shape[0]
        assert short == (10 + 2 - 6) // s - (10 - 6) // s
        assert ignores_last_row_and_column(buggy, x, w, s)
        assert not ignores_last_row_and_column(right, x, w, s)  # the check can fail
    # the old sentence ("2p rows short") is wrong at stride 2: the check above catches it
    assert right(x, w, 2, 1).shape[0] - buggy(x, w, 2, 1).shape[0] != 2
