"""The expert read of the grader's report: each finding fed to convlab.check, the report read.

Every test here failed before the fix it names (the report then said something false: a
diagnosis no recomputation supports, a label the options contradict, a line wider than the
page, a 'got' for an answer that was an exception)."""

from __future__ import annotations

import numpy as np

import convlab


def valid(x, w):
    k = len(w)
    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)])


def text(result) -> str:
    return "\n".join(result.lines())


def test_a_tiny_float64_error_is_not_called_float32_arithmetic():
    # float32 arithmetic gives x=[1.], w=[1.] exactly, so it cannot be what went wrong there
    result = convlab.check(lambda x, w: valid(x, w) * (1 + 1e-9), "correlate")
    assert not result.ok
    assert "float32 arithmetic" not in text(result)
    assert all(f.diagnosis is None or f.diagnosis.name != "float32 arithmetic" for f in result.failures)


def test_float32_arithmetic_still_diagnosed():
    result = convlab.check(lambda x, w: valid(x.astype(np.float32), w.astype(np.float32)).astype(float),
                           "correlate")
    assert result.diagnosis.name == "float32 arithmetic"


def mixed(x, w):
    if len(w) == 3:
        return valid(x, w[::-1])
    if len(x) <= 2:
        return valid(x, w)[:-1]
    return valid(x, w)


def test_headline_and_advice_name_the_same_mistake_before_and_after_shrinking():
    result = convlab.check(mixed, "correlate")
    before = result.headline
    first, second = text(result), text(result)
    assert first == second and result.headline == before
    name = result.diagnosis.name
    assert before.endswith(f": {name}")
    assert result.smallest.diagnosis is not None and result.smallest.diagnosis.name == name


def test_one_coincidence_names_nothing():
    def plus_one(x, w):
        return valid(x, w) + 1
    result = convlab.check(plus_one, "correlate")
    assert result.diagnosis is None
    assert ":" not in result.headline.split("failed")[-1]


def test_advice_numbers_are_the_shown_cases():
    result = convlab.check(lambda x, w: valid(x, w)[:-1], "correlate")
    small = result.smallest
    n = small.expected.shape[0]
    assert f"{n - 1} output{'s' * (n - 1 != 1)} along axis 0 where there {'is' if n == 1 else 'are'} {n}" \
        in text(result)


def test_convolve_one_axis_flip_names_the_axis_the_reader_flipped():
    for axis in (0, 1):
        result = convlab.check(lambda x, w, a=axis: convlab.correlate(x, np.flip(w, a)), "convolve",
                               ndim=2, mode="valid")
        assert result.diagnosis.name == "kernel flipped along one axis"
        assert f"flipped along axis {axis} only" in text(result)


def test_convolve_advice_flips_every_axis():
    result = convlab.check(lambda x, w: convlab.correlate(x, w), "convolve", ndim=2, mode="valid")
    flat = " ".join(text(result).split())
    assert "np.flip(w)" in flat and "w[::-1]" not in flat
    assert "sum_a x[i + a] w[k-1-a]" in flat


def test_layer_flip_advice_flips_only_the_kernel_axes():
    def one_axis(x, w):
        return convlab.conv2d(x, np.flip(w, 3))
    result = convlab.check(one_axis, "conv2d")
    assert result.diagnosis.name == "kernel flipped along one axis"
    assert "np.flip(w, (-2, -1))" in " ".join(text(result).split())


def test_no_window_talk_where_there_are_no_windows():
    def short_transposed(x, w, stride=1):
        return convlab.conv_transpose1d(x, w, stride=stride)[..., :-1]
    result = convlab.check(short_transposed, "conv_transpose1d", pass_options=True, stride=2)
    assert "window" not in text(result)
    assert "(n-1)s - 2p + d(k-1) + p_out + 1" in text(result)

    def short_weight(x, weight_size, dy):
        return convlab.grad.conv1d_weight(x, weight_size, dy)[..., :-1]
    assert "window" not in text(convlab.check(short_weight, "conv1d_weight")).split("smallest")[0]

    def short_size(n, k, stride=1, transposed=False):
        return (n - 1) * stride + k - 1
    sized = convlab.check(short_size, "output_size", pass_options=True, transposed=True, stride=2)
    assert "window" not in text(sized).split("smallest")[0]
    assert sized.diagnosis.name == "one output too few"


def test_labels_claim_one_output_cell_only_where_there_is_one():
    seen = []

    def spy(x, w):
        seen.append(convlab.correlate(x, w, mode="same").shape)
        return convlab.correlate(x, w, mode="same")
    result = convlab.check(spy, "correlate", ndim=2, mode="same")
    assert result.ok
    labels = [label for label, _ in convlab._grading.cases.signal_cases(
        np.random.default_rng(0), 0, ndim=2, mode="same")]
    assert not any("one output cell" in label for label in labels)

    transposed = [label for label, _ in convlab._grading.cases.transposed_cases(
        np.random.default_rng(0), 0, padding=1)]
    assert "one input cell" in transposed and not any("output is the kernel" in t for t in transposed)

    pooled = [label for label, _ in convlab._grading.cases.pool_cases(
        np.random.default_rng(0), 0, kernel_size=2, padding=1)]
    assert not any("one output cell" in label for label in pooled)
    plain = [label for label, _ in convlab._grading.cases.pool_cases(
        np.random.default_rng(0), 0, kernel_size=2)]
    assert any("one output cell" in label for label in plain)


def test_a_shrunk_case_says_its_options():
    def no_padding(x, w, stride=1, padding=0):
        return convlab.conv1d(x[None, None], w[None, None], stride=stride)[0, 0]
    result = convlab.check(no_padding, "conv1d_single", pass_options=True, over=[{"stride": 2, "padding": 2}])
    small = result.smallest
    assert small.options != {"stride": 2, "padding": 2}
    moved = ", ".join(f"{k}={v!r}" for k, v in small.options.items() if {"stride": 2, "padding": 2}[k] != v)
    assert f"options now {moved}" in small.label


def test_refusal_report_fits_and_shows_no_got_for_a_raise():
    def wrong_error(n, k, stride=1, padding=0, dilation=1):
        if n + 2 * padding < dilation * (k - 1) + 1:
            raise TypeError("no")
        return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    result = convlab.check(wrong_error, "output_size", pass_options=True)
    lines = result.lines()
    assert max(map(len, lines)) <= 68
    assert not any(line.strip().startswith("got ") for line in lines)
    assert any("raised TypeError" in line for line in lines)

    def never_raises(x, w, padding=0, dilation=1):
        xp = np.pad(x, padding)
        span = dilation * (len(w) - 1) + 1
        n = max(len(xp) - span + 1, 0)
        return np.array([xp[i:i + span:dilation] @ w for i in range(n)])
    refused = convlab.check(never_raises, "conv1d_single", pass_options=True, over=[{"dilation": 3, "padding": 1}])
    assert max(map(len, refused.lines())) <= 68


def test_integer_dtype_alone_names_nothing():
    def int_flip(x, w):
        return valid(x, w[::-1]).astype(np.int64)
    result = convlab.check(int_flip, "correlate")
    assert all(f.diagnosis is None or f.diagnosis.name != "integer dtype" for f in result.failures)


def test_letters_are_the_books():
    reports = [text(convlab.check(lambda x, w: valid(x, w)[:-1], "correlate")),
               text(convlab.check(lambda x, w: valid(x, w[::-1]), "correlate"))]
    for report in reports:
        assert "sum_j" not in report and "spanning e" not in report


def test_local_bias_advice_is_per_position():
    def no_bias(x, w, bias=None):
        return convlab.locally_connected2d(x, w)
    result = convlab.check(no_bias, "locally_connected2d")
    assert result.diagnosis.name == "missing bias"
    assert "bias[o, i, j]" in " ".join(text(result).split())


def test_continuation_rows_line_up():
    def swapped(x, w):                        # w's channel axes read the wrong way round
        c_out, _, kh, kw = w.shape
        ho, wo = x.shape[2] - kh + 1, x.shape[3] - kw + 1
        y = np.zeros((x.shape[0], c_out, ho, wo))
        for a, b in np.ndindex(kh, kw):
            y += np.einsum("nchw,co->nohw", x[:, :, a:a + ho, b:b + wo], w[:, :, a, b])
        return y
    result = convlab.check(swapped, "conv2d")
    lines, small = result.lines(), result.smallest
    checked = 0
    for name, value in zip(small.names, small.args, strict=True):
        rows = [r for r in np.array2string(value, separator=", ").split("\n") if r.strip()]
        rows[-1] += ")"                           # the np.array( call closes
        if len(rows) < 2:
            continue
        first = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"{name} = np.array("))
        column = lines[first].index("np.array(") + len("np.array(")
        # every row of the array at numpy's own indentation, shifted to start under the first row
        assert [line[column:] for line in lines[first:first + len(rows)]] == rows
        assert all(not line[:column].strip() for line in lines[first + 1:first + len(rows)])
        checked += 1
    assert checked >= 1


def test_code_in_advice_is_never_split_over_lines():
    def unflipped(x, w, stride=1):
        return convlab.conv_transpose1d(x, np.flip(w, -1), stride=stride)
    result = convlab.check(unflipped, "conv_transpose1d", pass_options=True, stride=2)
    assert any("np.flip(w, -1)" in line for line in result.lines())
    assert any("y[m*s + a*d - p]" in line for line in result.lines())
