"""The project's own files agree with each other: pyproject, environment.yml,
the README's two commands, .ci/run, and the public API's docstrings."""

from __future__ import annotations

import inspect
import re
import tomllib
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


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    commands = [line.split("#")[0].strip() for line in blocks[0].splitlines() if line.strip()]
    assert commands == ["make book", "make test"]


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, flags=re.M)


def test_makefile_sets_itself_up():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m venv" in makefile and "pip install" in makefile
    assert re.search(r"^book: \$\(STAMP\)", makefile, flags=re.M)
    assert re.search(r"^test: \$\(STAMP\)", makefile, flags=re.M)
    assert "-W --keep-going" in makefile


@pytest.mark.parametrize("name", sorted(convlab.__all__))
def test_public_api_is_documented_with_an_example(name):
    obj = getattr(convlab, name)
    if not callable(obj) or inspect.ismodule(obj):
        return
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    if inspect.isfunction(obj) and name != "im2col_max_bytes":
        assert "Examples" in doc and ">>>" in doc, f"{name} has no runnable example"


@pytest.mark.parametrize("name", ["correlate", "convolve", "conv1d", "conv2d", "conv3d", "convnd",
                                  "output_size", "choose_method", "unfold"])
def test_public_api_has_type_hints(name):
    hints = inspect.get_annotations(getattr(convlab, name))
    assert "return" in hints or name == "output_size"
