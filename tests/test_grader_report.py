"""convlab.check's tolerances, reports, shrinking, edge cases and its own arguments."""

from __future__ import annotations

import re

import numpy as np
import pytest

import convlab
from convlab.grading import MAX_RANDOM, TASKS


def valid(x, w):
    k = len(w)
    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)])


def in_float32(x, w):
    return valid(x.astype(np.float32), w.astype(np.float32))


# --------------------------------------------------------------------------
# tolerances follow the dtypes, and the message says which and why
# --------------------------------------------------------------------------

def test_a_correct_float32_implementation_passes_graded_at_float32():
    result = convlab.check(in_float32, "correlate")
    assert result.ok and result.precisions == {"float32"}
    assert result.headline.endswith("at float32 precision")
    assert "graded at float32 precision" in str(result)


def test_float32_is_not_good_enough_for_a_float64_answer_and_the_tolerance_is_named():
    result = convlab.check(lambda x, w: in_float32(x, w).astype(np.float64), "correlate")
    f = result.failures[0]
    assert f.tolerance.precision == np.float64
    text = f.tolerance.text
    m = re.match(r"float64 answer: rtol (\S+) = (\d+) eps\(float64\), 2 eps for each of up to (\d+) term", text)
    assert m and int(m.group(2)) == 2 * int(m.group(3))
    assert float(m.group(1)) == pytest.approx(int(m.group(2)) * np.finfo(np.float64).eps, rel=0.05)


def test_the_float32_bound_is_tight_enough_to_catch_a_float16_answer():
    result = convlab.check(lambda x, w: in_float32(x, w).astype(np.float16).astype(np.float32), "correlate")
    assert not result.ok and all("float32" in f.tolerance.text for f in result.failures if f.tolerance)


def test_integers_are_compared_exactly():
    def off_by_a_little(x, w):
        y = valid(x, w)
        return y + 1 if y.dtype.kind == "i" else y
    result = convlab.check(off_by_a_little, "correlate")
    assert [f.label for f in result.failures] == ["integers"]
    assert result.failures[0].tolerance.text == "integer inputs: compared exactly"
    # every task has an integer case, compared exactly
    for task in TASKS:
        if task in ("output_size",):
            continue
        options = {"kernel_size": 2} if task == "max_pool2d_backward" else {}
        seen = []

        def spy(*args, seen=seen, **_):
            seen.append(all(a.dtype.kind == "i" for a in args if isinstance(a, np.ndarray)))
            raise RuntimeError("spy")
        convlab.check(spy, task, n_random=0, **options)
        assert any(seen), task


def test_a_float_answer_to_integer_inputs_is_graded_at_its_precision():
    def by_fft(x, w):
        n = len(x) + len(w) - 1
        return np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(w[::-1], n), n)[len(w) - 1:len(x)]
    assert convlab.check(by_fft, "correlate").ok


def test_user_tolerances_replace_the_derived_one():
    result = convlab.check(lambda x, w: in_float32(x, w).astype(np.float64), "correlate", rtol=1e-5)
    assert result.ok
    assert convlab.check(lambda x, w: valid(x, w) + 1e-3, "correlate", atol=1e-2).ok
    assert not convlab.check(lambda x, w: valid(x, w) + 1e-3, "correlate", atol=1e-4).ok


# --------------------------------------------------------------------------
# the report: a headline, a few lines, the smallest case in full, a line that reproduces it
# --------------------------------------------------------------------------

def test_report_shows_the_smallest_case_labelled_and_a_line_that_reproduces_it():
    def flipped(x, w):
        return valid(x, w[::-1])
    result = convlab.check(flipped, "conv1d_single")
    text = str(result)
    assert text.splitlines()[0] == result.headline == f"✘ conv1d_single: {len(result.failures)} of " \
        f"{result.total} cases failed: flipped kernel"
    small = result.smallest
    assert small.call == "flipped(x, w)" and "flipped(x, w)  # reproduces it" in text
    assert f"x = np.array({np.array2string(small.args[0], separator=', ')})" in text
    # the line reproduces it: the variables shown, run again, give the answer shown
    x, w = small.args
    assert np.array_equal(flipped(x, w), small.got) and not np.allclose(small.got, small.expected)
    assert all(len(line) <= 68 for line in text.splitlines())
    assert len(text.splitlines()) <= 20


def test_shrinking_finds_a_small_case_lazily_and_within_a_bound():
    calls = []

    def spy(x, w):
        calls.append(x.shape)
        return valid(x, w[::-1])
    result = convlab.check(spy, "correlate", n_random=50)
    graded = len(calls)
    assert graded == result.total                           # no shrinking yet
    assert result.headline and len(calls) == graded        # the headline does not shrink either
    small = result.smallest
    assert small.args[0].size <= 2 and small.args[1].size == 2   # two taps are needed to see a flip
    assert np.array_equal(small.args[1], [1.0, 2.0])
    assert graded < len(calls) <= graded + 200
    after = len(calls)
    assert result.smallest is small and len(calls) == after     # computed once


def test_shrinking_prefers_stride_1_and_fewer_channels():
    def conv_no_stride(x, w, stride=1):
        return convlab.conv2d(x, w[:, :, ::-1, ::-1])
    result = convlab.check(conv_no_stride, "conv2d", pass_options=True, over=[{"stride": 2}, {"stride": 1}])
    small = result.smallest
    assert small.options == {"stride": 1}
    x, w = small.args
    assert x.shape[:2] == (1, 1) and w.shape[:2] == (1, 1)


def test_notebook_html_is_a_short_table_and_markdown_too():
    ok = convlab.check(valid, "correlate")
    assert ok._repr_html_().startswith("<table") and ok._repr_html_().count("<tr>") == 1
    bad = convlab.check(lambda x, w: valid(x, w[::-1]), "correlate")
    page = bad._repr_html_()
    assert page.count("<tr>") == 3 and "fn(x, w)  # reproduces it" in page and "flipped kernel" in page
    assert bad.markdown.startswith("| | |\n|---|---|") and "verdict" in bad.markdown


def test_every_printed_line_fits_the_page_column():
    def strided(x, w, stride=1):
        return valid(x, w)[::stride][:-1]
    result = convlab.check(strided, "conv1d_single", pass_options=True, over=[{"stride": s} for s in (1, 2, 3)])
    assert all(len(line) <= 68 for line in str(result).splitlines())
    for f in result.failures[:5]:
        assert all(len(line) <= 68 for line in str(f).splitlines())


# --------------------------------------------------------------------------
# labelled edge cases for every task
# --------------------------------------------------------------------------

@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_task_has_labelled_edge_cases(task):
    options = {"kernel_size": 2} if task == "max_pool2d_backward" else {}
    labels = [f.label for f in convlab.check(lambda *a, **k: None, task, n_random=0, **options).failures]
    assert len(labels) >= 3 and not any(label.startswith("random") for label in labels)
    assert any("integer" in label for label in labels) or task == "output_size"
    assert any(word in " ".join(labels) for word in ("one output cell", "as large as", "as long as",
                                                     "one input cell", "single"))


def test_edge_case_labels_name_what_the_options_make_of_them():
    labels = [f.label for f in convlab.check(lambda *a, **k: None, "conv2d", stride=2, padding=1,
                                             n_random=0).failures]
    assert "1x1 kernel, stride 2 > kernel 1, padding 1 >= kernel 1" in labels
    assert "kernel as large as the (padded) input: one output cell" in labels
    labels = [f.label for f in convlab.check(lambda *a, **k: None, "conv2d_single", n_random=0).failures]
    assert "1x1 kernel" in labels and "kernel as large as the image: one output cell" in labels


def test_one_output_cell_has_one_output_cell():
    for options in ({}, {"stride": 2}, {"padding": 1}, {"padding": 2, "dilation": 2}):
        seen = {}

        def spy(x, w, seen=seen, **opts):
            y = convlab.conv2d(x, w, **opts)
            seen[y.shape[2:]] = seen.get(y.shape[2:], 0) + 1
            return y
        convlab.check(spy, "conv2d", n_random=0, pass_options=True, **options)
        assert (1, 1) in seen, options


# --------------------------------------------------------------------------
# the grader's own arguments
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"rtol": "x"}, TypeError, "rtol must be None or a non-negative finite number; got 'x'"),
    ({"rtol": -1.0}, ValueError, "rtol must be None or a non-negative finite number; got -1.0"),
    ({"atol": -1}, ValueError, "atol must be None or a non-negative finite number; got -1"),
    ({"atol": float("nan")}, ValueError, "atol must be"),
    ({"n_random": -1}, ValueError, f"n_random must be an int in 0..{MAX_RANDOM}; got -1"),
    ({"n_random": 10**9}, ValueError, f"n_random must be an int in 0..{MAX_RANDOM}; got 1000000000"),
    ({"n_random": 2.5}, TypeError, "n_random must be"),
    ({"seed": -3}, ValueError, "seed must be"),
    ({"pass_options": "yes"}, TypeError, "pass_options must be True or False; got 'yes'"),
    ({"stride": 0}, ValueError, "stride must be a positive int; got 0"),
    ({"stride": 1.5}, TypeError, "stride must be a positive int"),
    ({"padding": -1}, ValueError, "padding must be a non-negative int; got -1"),
    ({"dilation": (1, 0)}, ValueError, "dilation must be a positive int; got (1, 0)"),
    ({"strid": 2}, TypeError, "unexpected option 'strid' for task 'conv1d_single'"),
    ({"over": [{"stride": 0}]}, ValueError, "stride must be a positive int; got 0"),
])
def test_bad_arguments_are_refused_by_name(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        convlab.check(valid, "conv1d_single", **kwargs)


def test_bad_mode_and_ndim():
    with pytest.raises(ValueError, match=r"mode must be one of \('valid', 'same', 'full'\); got 'ful'"):
        convlab.check(valid, "correlate", mode="ful")
    with pytest.raises(ValueError, match="ndim must be 1 or 2; got 3"):
        convlab.check(valid, "correlate", ndim=3)
