"""convlab on every core: the ``workers`` setting and :mod:`convlab._pool` (issue 20, section 1).

* Results are bit-identical for 1, 2 and 3 threads, for every method and every function that
  runs on the pool (im2col's chunks and groups, the transposed convolution's samples, winograd's
  chunks, the FFT's rows and frequencies, overlap-add, max pooling's chunks, the gradients), over
  hypothesis configurations: the parts are the same whatever the number of threads, each summed
  in the same order, so equality is exact, not within a tolerance; and a pool that loses a part
  is caught by the same comparison.
* The pool really runs parts at once (two parts meet at a barrier), passes the caller's
  ``options`` block to them, pins numpy's BLAS to one thread only while it runs and restores it,
  raises a part's exception in the caller, and does not deadlock when the caller's own threads
  call convlab at once, nor when a part calls convlab again.
* ``workers`` is validated like every setting (TypeError for a wrong type, ValueError for a
  wrong value, each naming the setting, what it got and what is allowed).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convlab
from convlab import _pool, grad
from convlab.threads import blas_setters

WORKERS = (1, 2, 3)


def _each_workers(call):
    """``call()`` under ``workers`` = 1, 2, 3: the three results."""
    results = []
    for n in WORKERS:
        with convlab.options(workers=n):
            results.append(call())
    return results


def _assert_identical(results, what):
    first = results[0]
    for n, other in zip(WORKERS[1:], results[1:]):
        if isinstance(first, tuple):
            for a, b in zip(first, other):
                assert np.array_equal(a, b, equal_nan=True), f"{what}: workers={n} differs from workers=1"
        else:
            assert np.array_equal(first, other, equal_nan=True), f"{what}: workers={n} differs from workers=1"


@settings(deadline=None, max_examples=25)
@given(method=st.sampled_from(["im2col", "fft", "winograd"]), n=st.integers(1, 5),
       c=st.sampled_from([(1, 1, 1), (4, 6, 1), (8, 8, 2), (6, 6, 3)]), size=st.integers(3, 40),
       pad=st.integers(0, 2), dtype=st.sampled_from(["float32", "float64"]),
       cap=st.sampled_from([2**12, 2**16, None]), seed=st.integers(0, 2**32 - 1))
def test_conv2d_is_bit_identical_on_any_number_of_threads(method, n, c, size, pad, dtype, cap, seed):
    c_in, c_out, groups = c
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, size, size)).astype(dtype)
    w = rng.standard_normal((c_out, c_in // groups, 3, 3)).astype(dtype)
    caps = {} if cap is None else {"im2col_max_bytes": cap}
    with convlab.options(**caps):
        results = _each_workers(lambda: convlab.conv2d(x, w, padding=pad, groups=groups, method=method))
    _assert_identical(results, f"conv2d by {method}")


@pytest.mark.parametrize("method", ["im2col", "fft", "winograd"])
def test_a_deep_layer_is_bit_identical(method):
    """Large enough for many chunks, FFT rows and frequencies on every thread."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 32, 40, 40)).astype(np.float32)
    w = rng.standard_normal((32, 32, 3, 3)).astype(np.float32)
    _assert_identical(_each_workers(lambda: convlab.conv2d(x, w, padding=1, method=method)), method)


@pytest.mark.parametrize("shape, k", [((1, 1, 300_000), 1001), ((2, 3, 50_000), 31), ((1, 1, 400, 300), 21)])
def test_fft_rows_and_overlap_add_are_bit_identical(shape, k):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((2, shape[1]) + (k,) * (len(shape) - 2))
    _assert_identical(_each_workers(lambda: convlab.convnd(x, w, method="fft")), f"fft {shape}")
    z = rng.standard_normal(shape[-1]) + 1j * rng.standard_normal(shape[-1])
    _assert_identical(_each_workers(lambda: convlab.correlate(z, z[:k].copy(), "full", method="fft")),
                      "complex fft correlate")


@settings(deadline=None, max_examples=15)
@given(n=st.integers(1, 4), c=st.sampled_from([(4, 4, 1), (6, 4, 2)]), size=st.integers(2, 20),
       stride=st.integers(1, 3), pad=st.integers(0, 1), seed=st.integers(0, 2**32 - 1))
def test_transposed_and_gradients_are_bit_identical(n, c, size, stride, pad, seed):
    c_in, c_out, groups = c
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, size, size))
    w_t = rng.standard_normal((c_in, c_out // groups, 3, 3))
    _assert_identical(_each_workers(lambda: convlab.conv_transpose2d(
        x, w_t, stride=stride, padding=pad, groups=groups, method="im2col")), "conv_transpose2d")
    w = rng.standard_normal((c_out, c_in // groups, 3, 3))
    if size + 2 * pad < 3:
        return
    y_shape = convlab.conv2d(x, w, stride=stride, padding=pad, groups=groups).shape
    gy = rng.standard_normal(y_shape)
    _assert_identical(_each_workers(lambda: grad.conv2d_input(x.shape, w, gy, stride=stride, padding=pad,
                                                               groups=groups)), "conv2d_input")
    _assert_identical(_each_workers(lambda: grad.conv2d_weight(x, w.shape, gy, stride=stride, padding=pad,
                                                                groups=groups)), "conv2d_weight")


@settings(deadline=None, max_examples=15)
@given(n=st.integers(1, 3), c=st.integers(1, 5), size=st.integers(2, 30), k=st.integers(1, 3),
       stride=st.integers(1, 3), nan=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_pooling_is_bit_identical(n, c, size, k, stride, nan, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, size, size))
    if nan:
        x[rng.random(x.shape) < 0.05] = np.nan
    pad = k // 2
    with convlab.options(im2col_max_bytes=2**12):          # many chunks
        _assert_identical(_each_workers(lambda: convlab.max_pool2d(x, k, stride, pad, return_indices=True)),
                          "max_pool2d")
        _assert_identical(_each_workers(lambda: convlab.avg_pool2d(x, k, stride, pad)), "avg_pool2d")
        gy = rng.standard_normal(convlab.max_pool2d(x, k, stride, pad).shape)
        _assert_identical(_each_workers(lambda: convlab.max_pool2d_backward(gy, x, k, stride, pad)),
                          "max_pool2d_backward")


def test_the_comparison_catches_a_pool_that_loses_a_part(monkeypatch):
    """The identity check can fail: a pool whose split drops its last part gives a result that
    differs from one thread's (its rows are never written), and the comparison says so."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 1, 200, 200))                # the FFT's rows cut by samples
    w = rng.standard_normal((1, 1, 21, 21))
    real_parts = _pool.parts
    monkeypatch.setattr(_pool, "parts", lambda total, count: real_parts(total, count)[:-1] or real_parts(total, 1))
    with convlab.options(workspace_bytes=0):     # fresh (NaN-free but unwritten) memory is not zeros
        results = _each_workers(lambda: convlab.conv2d(x, w, method="fft"))
    with pytest.raises(AssertionError, match="differs"):
        _assert_identical(results, "fft with a lost part")


def test_parts_run_at_once_on_two_threads():
    """Two parts that each wait for the other at a barrier finish only if they run at once."""
    barrier = threading.Barrier(2, timeout=20)
    seen = set()

    def part():
        seen.add(threading.get_ident())
        barrier.wait()

    with convlab.options(workers=2):
        _pool.run([part, part])
    assert len(seen) == 2


def test_one_worker_runs_every_part_on_the_calling_thread():
    seen = []
    with convlab.options(workers=1):
        _pool.run([lambda: seen.append(threading.get_ident())] * 5)
    assert seen == [threading.get_ident()] * 5


def test_parts_see_the_callers_options_block():
    got = []
    barrier = threading.Barrier(2, timeout=20)

    def part():
        barrier.wait()                       # two threads: one of them is a pool thread
        got.append(convlab.get_options()["im2col_max_bytes"])

    with convlab.options(workers=2, im2col_max_bytes=12345):
        _pool.run([part, part])
    assert got == [12345, 12345]


@pytest.mark.skipif(not blas_setters(), reason="no OpenBLAS or MKL found to pin (not Linux?)")
def test_blas_is_pinned_to_one_thread_only_while_the_pool_runs():
    (set_, get), *_ = blas_setters()
    before = int(get())
    inside = []
    barrier = threading.Barrier(2, timeout=20)

    def part():
        barrier.wait()
        inside.append(int(get()))

    set_(2)
    try:
        with convlab.options(workers=2):
            _pool.run([part, part])
        assert inside == [1, 1]
        assert int(get()) == 2
    finally:
        set_(before)


def test_a_parts_exception_reaches_the_caller_after_the_others_finish():
    finished = []
    barrier = threading.Barrier(2, timeout=20)

    def fails():
        barrier.wait()
        raise ZeroDivisionError("part 0")

    def works():
        barrier.wait()
        finished.append(1)

    with convlab.options(workers=2), pytest.raises(ZeroDivisionError, match="part 0"):
        _pool.run([fails, works])
    assert finished == [1]


def test_user_threads_calling_at_once_neither_deadlock_nor_mix_results():
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((2, 8, 24, 24)) for _ in range(6)]
    w = rng.standard_normal((8, 8, 3, 3))
    with convlab.options(workers=1):
        expected = [convlab.conv2d(x, w, padding=1, method=m) for x in xs for m in ("im2col", "fft")]
    got = [None] * len(expected)

    def user(i):
        with convlab.options(workers=2, im2col_max_bytes=2**14):
            got[i] = convlab.conv2d(xs[i // 2], w, padding=1, method=("im2col", "fft")[i % 2])

    threads = [threading.Thread(target=user, args=(i,)) for i in range(len(expected))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a call from a user thread never finished"
    for e, g in zip(expected, got):
        assert np.array_equal(e, g)


def test_a_part_that_calls_convlab_runs_it_serially():
    x, w = np.ones((2, 4, 30, 30)), np.ones((4, 4, 3, 3))
    out = []
    with convlab.options(workers=2):
        _pool.run([lambda: out.append((_pool.workers(), convlab.conv2d(x, w, method="im2col")))] * 4)
    assert [n for n, _ in out] == [1] * 4
    assert all(np.array_equal(y, np.full((2, 4, 28, 28), 36.0)) for _, y in out)


def test_workers_values():
    assert convlab.get_options()["workers"] == -1
    with convlab.options(workers=-1):
        assert _pool.workers() == _pool.cores()
    with convlab.options(workers=3):
        assert _pool.workers() == 3
    if _pool.cores() >= 2:
        with convlab.options(workers=-2):
            assert _pool.workers() == _pool.cores() - 1


@pytest.mark.parametrize("value, error, text", [
    (0, ValueError, "got 0"),
    (-10**6, ValueError, "got -1000000"),
    (10**9, ValueError, "got 1000000000"),
    (1.5, TypeError, "got 1.5 of type float"),
    (True, TypeError, "got True of type bool"),
    ("4", TypeError, "got '4' of type str"),
    (None, TypeError, "got None of type NoneType"),
])
def test_bad_workers_values_are_refused(value, error, text):
    with pytest.raises(error, match=r"workers must be a positive int up to \d+ \(that many threads\) or an int "
                                    r"from -1 to -\d+") as info:
        convlab.set_options(workers=value)
    assert text in str(info.value)
    assert convlab.get_options()["workers"] == -1
