"""Every public module says what its public names are (issue 18).

A public module is every module of the package whose dotted name has no part
starting with an underscore (``convlab``, ``convlab.data``, ``convlab.viz.grids``,
``convlab.methods.fft``, ...). The rule, for each:

1. it has ``__all__``, and ``dir()`` of it, without the names starting with an
   underscore, is exactly ``__all__``: no imported helper (``np``, ``math``,
   ``annotations``) and no submodule outside ``__all__`` shows, and a lazy
   module's names show before they are loaded;
2. every name in ``__all__`` is an attribute (lazy ones load on access);
3. every function and class the module defines under a name without an
   underscore is in ``__all__``: nothing public is left out of it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
import types

import pytest

import convlab


def _public_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(convlab.__path__, "convlab.")
             if not any(part.startswith("_") for part in info.name.split("."))]
    return ["convlab", *sorted(names)]


PUBLIC = _public_modules()


def _defined_public(module: types.ModuleType) -> set[str]:
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__}


def test_the_modules_the_issue_names_are_checked():
    for name in ("data", "timing", "sweeps", "indexing", "receptive", "grad", "learn", "viz", "symbolic",
                 "viz.grids", "symbolic.arrays", "config", "registry", "resolve", "methods.fft"):
        assert f"convlab.{name}" in PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_dir_without_underscore_names_is_all(name):
    module = importlib.import_module(name)
    assert isinstance(module.__all__, (list, tuple)) and len(set(module.__all__)) == len(module.__all__)
    shown = sorted(n for n in dir(module) if not n.startswith("_"))
    assert shown == sorted(module.__all__), (set(shown) ^ set(module.__all__))


@pytest.mark.parametrize("name", PUBLIC)
def test_every_name_in_all_exists(name):
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_function_and_class_is_in_all(name):
    module = importlib.import_module(name)
    left_out = sorted(_defined_public(module) - set(module.__all__))
    assert not left_out


def test_the_checks_catch_a_module_without_the_rule():
    """The rules above can fail: a plain module shows its imports in dir(), and one whose
    __all__ forgets a function is caught by the third rule."""
    plain = types.ModuleType("convlab.fake")
    exec("import math\n\ndef area(r):\n    return math.pi * r * r\n\n__all__ = []\n", plain.__dict__)
    shown = sorted(n for n in dir(plain) if not n.startswith("_"))
    assert shown != sorted(plain.__all__)                       # rule 1 fails: math and area show
    assert _defined_public(plain) - set(plain.__all__) == {"area"}   # rule 3 fails


def test_a_lazy_module_lists_its_names_before_loading_them():
    code = ("import sys, convlab\n"
            "names = [n for n in dir(convlab) if not n.startswith('_')]\n"
            "assert 'viz' in names and 'convlab.viz' not in sys.modules, names\n"
            "assert 'np' not in names and 'conv' not in names and 'importlib' not in names, names\n")
    subprocess.run([sys.executable, "-c", code], check=True)
