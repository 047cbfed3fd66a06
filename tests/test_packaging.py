"""The project's own files agree with each other: pyproject, environment.yml,
the README's two commands, .ci/run, and the public API's docstrings."""

from __future__ import annotations

import inspect
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

import convlab

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower()


def _spec(req: str) -> str:
    return req.replace(" ", "").lower()


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_runtime_deps_are_only_numpy_sympy_matplotlib(pyproject):
    assert {_name(d) for d in pyproject["project"]["dependencies"]} == {"numpy", "sympy", "matplotlib"}
    assert pyproject["project"]["requires-python"] == ">=3.11"


def test_environment_yml_matches_pyproject(pyproject, environment):
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    conda_specs = {_name(d): _spec(d) for d in conda}
    # runtime deps: same names and the same version bounds
    for dep in pyproject["project"]["dependencies"]:
        assert conda_specs.get(_name(dep)) == _spec(dep), dep
    assert conda_specs["python"] == "python" + pyproject["project"]["requires-python"]
    # the book's extra, installed with pip, and convlab itself
    pip_specs = {_spec(d) for d in pip}
    assert {_spec(d) for d in pyproject["project"]["optional-dependencies"]["book"]} <= pip_specs
    assert "-e." in pip_specs


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    return [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.strip()]


def _plan(target: str, tmp_path) -> str:
    """What ``make TARGET`` would run on a fresh machine (a venv that does not exist yet)."""
    venv = tmp_path / "fresh-venv"
    done = subprocess.run(["make", "-n", "-B", target, f"VENV={venv}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_readme_opens_with_the_two_commands():
    assert _readme_commands()[:2] == ["make book", "make test"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, runs", [
    ("book", r"jupyter-book build \. .*-W"),
    ("test", r"python -m pytest"),
])
def test_each_readme_command_sets_itself_up_and_runs(target, runs, tmp_path):
    """On a fresh machine, make creates the venv, installs convlab into it, then runs."""
    plan = _plan(target, tmp_path).splitlines()
    venv_at = next(i for i, line in enumerate(plan) if re.search(r"-m venv .*fresh-venv", line))
    install_at = next(i for i, line in enumerate(plan) if re.search(r"fresh-venv/bin/python -m pip install .*-e", line))
    run_at = next(i for i, line in enumerate(plan) if re.search(runs, line))
    assert venv_at < install_at < run_at


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, flags=re.M)


def _public(name):
    return getattr(convlab, name)


@pytest.mark.parametrize("name", sorted(convlab.__all__))
def test_public_api_is_documented_with_an_example(name):
    obj = _public(name)
    doc = inspect.getdoc(obj) or ""
    assert len(doc) > 40, f"{name} has no real docstring"
    if inspect.ismodule(obj):
        assert doc.splitlines()[0].strip(), f"module {name} has no summary line"
    elif isinstance(obj, tuple):          # METHODS, a constant documented in the package docstring
        assert name in (convlab.__doc__ or "")
    else:
        assert "Examples" in doc and ">>>" in doc, f"{name} has no runnable example"


PUBLIC_FUNCTIONS = sorted(n for n in convlab.__all__ if inspect.isfunction(_public(n)))


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_public_api_has_type_hints(name):
    """Every parameter and the return value of every public function is annotated."""
    fn = inspect.unwrap(_public(name))
    hints = inspect.get_annotations(fn)
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert "return" in hints, f"{name} has no return annotation"
    assert [p.name for p in params if p.name not in hints] == [], f"{name} has unannotated parameters"


def test_public_functions_are_many():
    """The hint and docstring tests above see the whole API, not an empty list."""
    assert {"conv1d", "correlate", "output_size", "unfold", "choose_method"} <= set(PUBLIC_FUNCTIONS)


def test_import_is_light():
    """``import convlab`` loads the numerical core only: no SymPy, matplotlib or scipy."""
    code = "import sys, convlab; print(sorted(m for m in ('sympy', 'matplotlib', 'scipy', 'torch') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_lazy_modules_load_on_first_use():
    code = ("import sys, convlab; assert 'convlab.viz' not in sys.modules; "
            "grids = convlab.viz.grids; print(grids.__name__, callable(convlab.check), convlab.__version__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    name, check_is_callable, version = done.stdout.split()
    assert name == "convlab.viz.grids" and check_is_callable == "True"
    assert version == metadata.version("convlab")


def test_check_function_does_not_shadow_a_module():
    import convlab.grading

    assert convlab.check is convlab.grading.check and inspect.isfunction(convlab.check)


def test_no_import_cycles():
    """Every module of the package imports on its own, first, in a fresh interpreter."""
    modules = sorted(m.name for m in pkgutil.walk_packages(convlab.__path__, "convlab."))
    code = ("import importlib, sys\n"
            "for name in sys.argv[1:]:\n"
            "    for m in [k for k in sys.modules if k == 'convlab' or k.startswith('convlab.')]:\n"
            "        del sys.modules[m]\n"
            "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", code, *modules], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_tests_collect_with_importlib_mode():
    """Test modules import their helpers from support.py (on pytest's pythonpath), not from
    conftest, so collection does not depend on pytest's sys.path insertion."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "--import-mode=importlib", "-o", "addopts=", "tests"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert re.search(r"\d{3,} tests collected", done.stdout)
