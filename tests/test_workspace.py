"""Reused scratch memory (convlab.workspace): results never share it, the cap holds, and
turning reuse off changes nothing but the memory kept."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import convlab
from convlab import workspace


def _problem(seed, shape=(1, 2, 70, 60)):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), rng.standard_normal((3, shape[1], 9, 7))


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
def test_results_do_not_share_scratch(mode):
    x, w = _problem(1)
    padding = {"valid": 0, "same": "same", "full": (8, 6)}[mode]
    first = convlab.conv2d(x, w, padding=padding, method="fft")
    kept = first.copy()
    second = convlab.conv2d(*_problem(2), padding=padding, method="fft")    # same shapes, same roles
    np.testing.assert_array_equal(first, kept)
    assert not np.shares_memory(first, second)
    assert first.flags.owndata or first.base is None or first.base.size == first.size
    want = convlab.conv2d(x, w, padding=padding, method="im2col")
    np.testing.assert_allclose(first, want, rtol=0, atol=1e-12 * np.abs(want).max())


def test_overlap_add_results_do_not_share_scratch():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 20_000)), rng.standard_normal((4, 3, 101))
    plan = convlab.explain_method(x, w, method="fft")
    assert plan.block_length is not None                 # overlap-add, the path under test
    first = convlab.conv1d(x, w, method="fft")
    kept = first.copy()
    convlab.conv1d(rng.standard_normal(x.shape), w, method="fft")
    np.testing.assert_array_equal(first, kept)
    np.testing.assert_allclose(first, convlab.conv1d(x, w, method="im2col"), atol=1e-11)


def test_reuse_off_gives_the_same_numbers_and_keeps_nothing():
    x, w = _problem(4)
    reused = convlab.conv2d(x, w, padding=5, method="fft")
    assert workspace.cached_bytes() > 0
    held = workspace.take((10,), np.float64)
    workspace.give(held)
    with convlab.options(workspace_bytes=0):
        again = workspace.take((10,), np.float64)     # the free buffer would fit: still a fresh one
        assert not np.shares_memory(held, again)
        fresh = convlab.conv2d(x, w, padding=5, method="fft")
        assert workspace.cached_bytes() == 0
    np.testing.assert_array_equal(reused, fresh)


def test_the_cap_holds():
    with convlab.options(workspace_bytes=200_000):
        convlab.conv2d(*_problem(5, (1, 2, 200, 200)), method="fft")     # spectra of ~330 kB each
        assert workspace.cached_bytes() <= 200_000
        a = workspace.take((100_000,), np.float64)       # 800 kB: fresh, not kept
        workspace.give(a)
        assert a.shape == (100_000,) and workspace.cached_bytes() <= 200_000


def test_given_back_memory_is_lent_again_most_recent_first():
    with convlab.options(workspace_bytes=2**20):
        a, b = workspace.take((1000,), np.float64), workspace.take((1000,), np.float64)
        assert not np.shares_memory(a, b)
        workspace.give(a.reshape(10, 100)[::2], b)      # a view gives its buffer back too
        c = workspace.take((500,), np.float64)
        assert np.shares_memory(c, b)                   # b went back last
        d = workspace.take((1000,), np.float64)
        assert np.shares_memory(d, a)
        workspace.give(c, d, np.ones(3))                # an array never lent is ignored
        workspace.give(c)                               # and so is one given twice
        e, f = workspace.take((10,), np.float64), workspace.take((10,), np.float64)
        assert not np.shares_memory(e, f)
        workspace.give(e, f)


def test_a_lost_loan_is_collected():
    with convlab.options(workspace_bytes=2**20):
        with convlab.options(workspace_bytes=0):
            assert workspace.cached_bytes() == 0        # the pool let go of what it kept
        a = workspace.take((10_000,), np.float64)
        assert workspace.cached_bytes() >= a.nbytes
        del a                                            # never given back (an exception, say)
        assert workspace.cached_bytes() == 0


def test_each_thread_has_its_own():
    x, w = _problem(6)
    want = convlab.conv2d(x, w, method="fft")
    results = []

    def work(seed):
        xs = _problem(seed)[0]
        for _ in range(5):
            results.append((seed, convlab.conv2d(xs, w, method="fft")))

    threads = [threading.Thread(target=work, args=(s,)) for s in (6, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed, got in results:
        expected = want if seed == 6 else convlab.conv2d(_problem(7)[0], w, method="fft")
        np.testing.assert_array_equal(got, expected)


def test_the_setting_is_checked():
    with pytest.raises(ValueError, match="workspace_bytes"):
        convlab.set_options(workspace_bytes=-1)
    with pytest.raises(TypeError, match="workspace_bytes"):
        convlab.set_options(workspace_bytes=1.5)


@pytest.mark.parametrize("n, k", [(20_000, 101), (20_011, 31), (4_096, 7)])
def test_stale_scratch_never_leaks_into_a_result(n, k):
    """Buffers come back holding whatever the last call left in them: fill the pool with NaN
    first, and every padded row, block tail and spectrum must still be written before use."""
    rng = np.random.default_rng(n + k)
    x, w = rng.standard_normal((2, 3, n)), rng.standard_normal((4, 3, k))
    with convlab.options(workspace_bytes=64 * 2**20):
        for size in (2**16, 2**18, 2**20, 2**22):          # stale buffers of several sizes
            junk = [workspace.take((size,), np.float64) for _ in range(4)]
            for a in junk:
                a.fill(np.nan)
            workspace.give(*junk)
        got = convlab.conv1d(x, w, padding=k // 2, method="fft")
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, convlab.conv1d(x, w, padding=k // 2, method="im2col"), atol=1e-10)
    img, ker = rng.standard_normal((1, 2, 90, 70)), rng.standard_normal((3, 2, 9, 5))
    for size in (2**16, 2**20):
        junk = workspace.take((size,), np.float64)
        junk.fill(np.nan)
        workspace.give(junk)
    got2 = convlab.conv2d(img, ker, padding=(8, 4), method="fft")
    assert np.isfinite(got2).all()
    np.testing.assert_allclose(got2, convlab.conv2d(img, ker, padding=(8, 4), method="im2col"), atol=1e-10)
