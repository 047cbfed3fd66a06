"""Methods as plug-ins (issue 17, section 1): one record per method, in one registry.

Everything that chooses, prices or runs a method asks :data:`convlab.registry.REGISTRY`;
a method registered here (a stand-in for the next one, e.g. Winograd: stride 1 only) is
run when asked for, refused with a clear error where it does not apply, and taken by
``auto`` exactly where it applies and is cheapest.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from unittest import mock

import numpy as np
import pytest

import convlab
from convlab import calibration, cost, registry
from convlab.methods import im2col
from convlab.registry import REGISTRY, Method, MethodUnsupported

ROOT = Path(__file__).resolve().parents[1]
METHOD_FILES = sorted(p for p in (ROOT / "convlab" / "methods").glob("*.py") if p.name != "__init__.py")


def _imported(path: Path) -> set[str]:
    """The modules ``path`` imports, as absolute dotted names."""
    package = "convlab.methods"
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_method_modules_never_import_each_other():
    assert {p.stem for p in METHOD_FILES} >= set(REGISTRY)
    for path in METHOD_FILES:
        others = {f"convlab.methods.{p.stem}" for p in METHOD_FILES if p != path}
        found = sorted(_imported(path) & (others | {"convlab.methods"}))
        assert not found, f"{path.name} imports {found}"


def test_the_import_check_catches_an_import(tmp_path):
    """The check above can fail: a module importing a sibling is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from .fft import transposed_weight\nfrom . import loop\n")
    assert {"convlab.methods.fft", "convlab.methods.loop"} <= _imported(bad)


def test_the_registry_lists_the_methods():
    assert convlab.METHODS == tuple(REGISTRY) == ("loop", "im2col", "fft", "winograd")
    for name, record in REGISTRY.items():
        assert record.name == name and callable(record.compute) and callable(record.estimate)
        if record.auto:        # auto prices each call's fixed cost from the calibration defaults
            assert name in calibration.DEFAULT.call


def test_estimates_are_those_of_every_registered_method():
    shapes = cost.Shapes((2, 3, 32, 32), (4, 3, 3, 3), convlab._validate.geometry((32, 32), (3, 3), 1, 1, 1),
                         8, True, 2**28)
    t = cost.estimates(shapes, calibration.DEFAULT)
    assert set(t) == set(REGISTRY) and all(v > 0 for v in t.values())


def test_an_object_array_is_refused_by_the_fft_as_a_value_error_naming_the_others():
    x = np.array([1, 2, 3], dtype=object)
    with pytest.raises(ValueError, match=r"method='fft' needs numeric arrays.*use method='loop' or "
                                         r"method='im2col'") as info:
        convlab.correlate(x, x[:2], method="fft")
    assert isinstance(info.value, MethodUnsupported) and isinstance(info.value, TypeError)


# ---------------------------------------------------------------- a plug-in

def _stride_one(problem) -> str | None:
    stride = problem.geometry.stride
    return None if all(s == 1 for s in stride) else f"needs stride 1; got stride {stride}"


calls: list[str] = []


def _fast_compute(x, w, geometry, plan=None):
    calls.append("fast")
    return im2col.compute(x, w, geometry, plan)


FAST = Method("fast", _fast_compute, None, lambda shapes, rates: 1e-9, supports=_stride_one, exact="iuO",
              edge="it is a stand-in")


@pytest.fixture
def plugged():
    """The registry with one more method, ``fast``: stride 1 only, no transposed form, and
    always estimated cheapest."""
    extended = {**REGISTRY, "fast": FAST}
    calls.clear()
    with mock.patch.object(registry, "REGISTRY", extended), \
            mock.patch.object(calibration, "DEFAULT", dataclasses.replace(
                calibration.DEFAULT, call={**calibration.DEFAULT.call, "fast": 1e-6})):
        yield


def test_a_registered_method_runs_when_asked_for(plugged):
    x, w = np.arange(12.0).reshape(1, 1, 12), np.ones((1, 1, 3))
    np.testing.assert_allclose(convlab.conv1d(x, w, method="fast"), convlab.conv1d(x, w, method="loop"))
    assert calls == ["fast"]


def test_a_method_asked_for_where_it_does_not_apply_says_why_and_who_can(plugged):
    x, w = np.ones((1, 1, 12)), np.ones((1, 1, 3))
    with pytest.raises(ValueError, match=r"method='fast' needs stride 1; got stride \(2,\): use "
                                         r"method='loop' or method='im2col' or method='fft'"):
        convlab.conv1d(x, w, stride=2, method="fast")
    with pytest.raises(ValueError, match=r"method='fast' has no transposed convolution: use method='loop'"):
        convlab.conv_transpose1d(x, w, method="fast")
    assert calls == []


def test_auto_takes_the_cheapest_applicable_method_and_says_so(plugged):
    x, w = np.ones((1, 1, 64, 64)), np.ones((1, 1, 3, 3))
    plan = convlab.explain_method(x, w)
    assert plan.method == "fast" and "fast is" in plan.reason and "it is a stand-in" in plan.reason
    convlab.conv2d(x, w)
    assert calls == ["fast"]
    strided = convlab.explain_method(x, w, stride=2)
    assert strided.method in ("im2col", "fft")
    assert "fast does not apply: it needs stride 1; got stride (2, 2)" in strided.reason
    assert "fast" not in strided.estimates
    assert convlab.explain_method(np.ones((1, 4, 9)), np.ones((2, 4, 3))).method == "fast"
    calls.clear()
    convlab.conv_transpose1d(np.ones((1, 4, 9)), np.ones((4, 2, 3)))
    assert calls == []                  # auto never runs it where it does not apply


def test_every_method_name_is_accepted_where_methods_are_named(plugged):
    with pytest.raises(ValueError, match=r"method must be one of \('auto', 'loop', 'im2col', 'fft', 'winograd', 'fast'\)"):
        convlab.conv1d(np.ones((1, 1, 5)), np.ones((1, 1, 3)), method="slow")
