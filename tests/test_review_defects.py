"""The six defects of issue 17's review, each pinned by a test that failed before its fix.

1. ``auto``'s remembered cost comparison ignored the ``im2col_max_bytes``
   setting that the im2col estimate reads.
2. ``explain_method`` handed out the remembered :class:`~convlab.resolve.Plan`,
   whose ``estimates`` dict could be changed in place.
3. Settings were process-global: an ``options`` block in one thread was seen in
   another, and overlapping blocks left a setting stuck.
4. The error policy leaked: wrong exception types, ``numpy`` scalars refused,
   layers that validated only at their first forward.
5. Shape arithmetic was written twice, with two wordings of one error.
6. Internal calls with many positional arguments (easy to swap).
"""

from __future__ import annotations

import asyncio
import inspect
import re
import threading
import tokenize
from pathlib import Path

import numpy as np
import pytest

import convlab
from convlab import learn, receptive
from convlab._validate import nonempty_str

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- 1. cache and settings

def test_auto_estimate_follows_the_im2col_cap_whatever_was_estimated_before():
    x, w = np.zeros((8, 64, 56, 56)), np.zeros((64, 64, 3, 3))
    default = convlab.explain_method(x, w).estimates["im2col"]          # remembered first
    with convlab.options(im2col_max_bytes=4096):
        capped = convlab.explain_method(x, w).estimates["im2col"]
    again = convlab.explain_method(x, w).estimates["im2col"]
    assert capped > 2 * default, (default, capped)     # thousands of tiny chunks cost more
    assert again == default


# ---------------------------------------------------------------- 2. immutable plans

def test_explain_method_hands_out_a_plan_nobody_can_change():
    x, w = np.zeros((1, 1, 64, 64)), np.zeros((1, 1, 9, 9))
    plan = convlab.explain_method(x, w)
    before = dict(plan.estimates)
    with pytest.raises(TypeError):
        plan.estimates["fft"] = 1e9
    assert dict(convlab.explain_method(x, w).estimates) == before
    assert dict(convlab.explain_method(x, w, method="loop").estimates) == {}


# ---------------------------------------------------------------- 3. settings per context

def test_overlapping_option_blocks_in_threads_see_their_own_values():
    default = convlab.get_options()["workspace_bytes"]
    entered, b_entered, a_left = threading.Barrier(2), threading.Event(), threading.Event()
    seen, errors = {}, []

    def a():
        try:
            with convlab.options(workspace_bytes=1):
                entered.wait(5)
                b_entered.wait(5)
                seen["a inside"] = convlab.get_options()["workspace_bytes"]
            seen["a after"] = convlab.get_options()["workspace_bytes"]
            a_left.set()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    def b():
        try:
            entered.wait(5)
            with convlab.options(workspace_bytes=2, im2col_max_bytes=4096):
                b_entered.set()
                a_left.wait(5)                      # a has left its block: b's values are still b's
                seen["b inside"] = (convlab.get_options()["workspace_bytes"],
                                    convlab.config.current("im2col_max_bytes"))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors, errors
    assert seen == {"a inside": 1, "a after": default, "b inside": (2, 4096)}
    assert convlab.get_options()["workspace_bytes"] == default
    assert convlab.get_options()["im2col_max_bytes"] == convlab.config.DEFAULT_IM2COL_MAX_BYTES


def test_option_blocks_in_asyncio_tasks_see_their_own_values():
    async def task(value, wait):
        with convlab.options(im2col_max_bytes=value):
            await asyncio.sleep(wait)
            return convlab.get_options()["im2col_max_bytes"]

    async def both():
        return await asyncio.gather(task(1000, 0.02), task(2000, 0.01))

    assert asyncio.run(both()) == [1000, 2000]
    assert convlab.get_options()["im2col_max_bytes"] == convlab.config.DEFAULT_IM2COL_MAX_BYTES


def test_set_options_inside_a_block_ends_with_the_block():
    with convlab.options(im2col_max_bytes=4096):
        convlab.set_options(workspace_bytes=5)
        assert convlab.get_options()["workspace_bytes"] == 5
    assert convlab.get_options()["workspace_bytes"] == convlab.config.DEFAULT_WORKSPACE_BYTES


# ---------------------------------------------------------------- 4. error policy

def test_an_empty_str_is_a_bad_value_not_a_bad_type():
    with pytest.raises(ValueError, match="non-empty str"):
        nonempty_str("name", "")
    with pytest.raises(TypeError, match="non-empty str"):
        nonempty_str("name", 3)


@pytest.mark.parametrize("lr", [np.float32(0.1), np.float64(0.1), np.int64(1), 0.1])
def test_sgd_takes_any_real_number(lr):
    assert learn.SGD(lr, momentum=np.float32(0.5)).lr == pytest.approx(float(lr))


@pytest.mark.parametrize("lr, error", [(True, TypeError), ("0.1", TypeError), (1 + 0j, TypeError),
                                       (0.0, ValueError), (float("nan"), ValueError), (-1, ValueError)])
def test_sgd_refuses_by_the_policy(lr, error):
    with pytest.raises(error, match="lr"):
        learn.SGD(lr)


def test_receptive_unit_of_a_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="unit"):
        receptive.cone([3, 3], 9, unit=1.5)
    with pytest.raises(ValueError, match="unit"):
        receptive.cone([3, 3], 9, unit=99)


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(stride=0), ValueError, "stride"),
    (dict(method="bogus"), ValueError, "method"),
    (dict(padding="middle"), ValueError, "padding"),
    (dict(stride=1.5), TypeError, "stride"),
])
def test_conv2d_layer_validates_on_construction(kwargs, error, word):
    with pytest.raises(error, match=word):
        learn.Conv2d(np.zeros((2, 1, 3, 3)), **kwargs)


# ---------------------------------------------------------------- 5. one shape core

def test_output_padding_and_crop_errors_are_worded_once():
    cases = [dict(n=4, k=3, stride=2, output_padding=2),       # output_padding too large
             dict(n=1, k=1, padding=1)]                        # crops everything
    for case in cases:
        n, k = case.pop("n"), case.pop("k")
        with pytest.raises(ValueError) as scalar:
            convlab.output_size(n, k, transposed=True, **case)
        with pytest.raises(ValueError) as layer:
            convlab.conv_transpose1d(np.ones((1, 1, n)), np.ones((1, 1, k)), **case)
        assert "on spatial axis 0" in str(layer.value)
        assert str(layer.value).replace(" on spatial axis 0", "") == str(scalar.value)


def _code_lines(path: Path):
    """(line number, code) of a module, strings and comments left out."""
    lines: dict[int, list[str]] = {}
    with open(path, "rb") as f:
        for tok in tokenize.tokenize(f.readline):
            if tok.type not in (tokenize.STRING, tokenize.COMMENT, tokenize.ENCODING):
                lines.setdefault(tok.start[0], []).append(tok.string)
    return [(n, " ".join(parts)) for n, parts in sorted(lines.items())]


def test_the_span_is_computed_in_one_place():
    span = re.compile(r"\w+\s*\*\s*\(\s*\w+\s*-\s*1\s*\)\s*\+\s*1\b")
    offenders = [f"{path.relative_to(ROOT)}:{number}: {code}"
                 for path in sorted((ROOT / "convlab").rglob("*.py"))
                 if "viz" not in path.parts and path.name != "_shape_core.py"
                 for number, code in _code_lines(path) if span.search(code)]
    assert not offenders, "\n".join(offenders)


# ---------------------------------------------------------------- 6. keyword-only internals

def _positional(fn) -> list[str]:
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def test_long_internal_calls_are_keyword_only():
    from convlab import _validate, cost
    assert _positional(_validate.prepare_transposed) == ["x", "w", "bias"]
    assert _positional(_validate.prepare_conv) == ["x", "w", "bias"]
    assert _positional(cost.estimates) == ["shapes", "rates"]
    assert _positional(cost.fft_1d_seconds) == ["length"]
    assert len(_positional(cost.im2col_seconds)) <= 2
