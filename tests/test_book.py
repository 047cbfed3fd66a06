"""The chapters as committed: listed in the table of contents, executed with
outputs stored, deterministic, importing only convlab's public API, ending
with exercises. (nbval itself re-runs every chapter and compares outputs.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MAX_OUTPUT_LINE = 78
# an opened solution box is narrower: its outputs are 621 px wide with 16 px of padding each
# side, 69 characters of 8.43 px (DejaVu Sans Mono at 14 px); the column's 688 px hold 77
MAX_SOLUTION_LINE = 69
NOTEBOOKS = sorted(p for p in BOOK.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            for part in entry.get("parts", []):
                walk(part.get("chapters"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files


def cells(nb: Path, kind: str = "code"):
    return [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == kind]


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_toc_lists_existing_files_and_every_chapter():
    listed = toc_files()
    for entry in listed:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry
    for nb in NOTEBOOKS:
        assert f"book/{nb.stem}" in listed, f"{nb.name} is not in _toc.yml"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
class TestChapter:
    def test_every_code_cell_was_executed(self, nb):
        unexecuted = [i for i, c in enumerate(cells(nb)) if source(c).strip() and c["execution_count"] is None]
        assert not unexecuted, f"{nb.name}: code cells {unexecuted} were committed without being executed"

    def test_execution_counts_are_in_order(self, nb):
        counts = [c["execution_count"] for c in cells(nb) if source(c).strip()]
        assert counts == list(range(1, len(counts) + 1)), f"{nb.name} was not run top to bottom in one go"

    def test_no_errors_or_addresses_in_outputs(self, nb):
        for c in cells(nb):
            for out in c.get("outputs", []):
                assert out["output_type"] != "error", f"{nb.name}: a cell raised {out.get('ename')}"
                if out["output_type"] == "stream":
                    assert out["name"] == "stdout", f"{nb.name}: stderr output: {''.join(out['text'])[:200]}"
                text = json.dumps(out.get("data", {}).get("text/plain", "")) + json.dumps(out.get("text", ""))
                assert not re.search(r" at 0x[0-9a-fA-F]{6,}", text), f"{nb.name}: memory address in output"

    def test_output_lines_fit_the_column(self, nb):
        """A printed line scrolls sideways in the page past 79 characters of the 688 px column
        (DejaVu Sans Mono, 8.43 px each, at a 1280 px window); 78 leaves a margin."""
        long = []
        for i, c in enumerate(cells(nb)):
            for out in c.get("outputs", []):
                data = out.get("data", {})
                if out["output_type"] == "stream":
                    text = "".join(out["text"])
                elif set(data) & {"text/latex", "text/html", "image/png", "text/markdown"}:
                    continue                          # the page shows the richer form
                else:
                    text = "".join(data.get("text/plain", ""))
                long += [(i, len(line), line[:60]) for line in text.splitlines() if len(line) > MAX_OUTPUT_LINE]
        assert not long, f"{nb.name}: output lines longer than {MAX_OUTPUT_LINE} characters: {long[:5]}"

    def test_solution_output_lines_fit_the_solution_box(self, nb):
        """Outputs between a solution's start and end sit in a box 22 px narrower than the column."""
        long, inside = [], False
        for i, c in enumerate(json.loads(nb.read_text())["cells"]):
            if c["cell_type"] == "markdown":
                inside = ("solution-start" in source(c) or inside) and "solution-end" not in source(c)
                continue
            for out in c.get("outputs", []) if inside else []:
                data = out.get("data", {})
                if out["output_type"] == "stream":
                    text = "".join(out["text"])
                elif set(data) & {"text/latex", "text/html", "image/png", "text/markdown"}:
                    continue
                else:
                    text = "".join(data.get("text/plain", ""))
                long += [(i, len(line), line[:60]) for line in text.splitlines() if len(line) > MAX_SOLUTION_LINE]
        assert not long, f"{nb.name}: solution output lines over {MAX_SOLUTION_LINE} characters: {long[:5]}"

    def test_only_public_api(self, nb):
        for c in cells(nb):
            assert not re.search(r"convlab\._|from convlab import _|convlab\.methods|from benchmarks|"
                                 r"import benchmarks", source(c)), f"{nb.name}: private import:\n{source(c)}"

    def test_deterministic_setup(self, nb):
        code = "\n".join(source(c) for c in cells(nb))
        assert "np.set_printoptions" in code, f"{nb.name} does not fix print options"
        if re.search(r"\brng\b|random", code):
            assert re.search(r"default_rng\(\d+\)|seed\(\d+\)", code), f"{nb.name} uses an unseeded RNG"

    def test_timings_only_in_ignored_cells(self, nb):
        for c in cells(nb):
            if re.search(r"perf_counter|timeit|time\.time\(", source(c)):
                tags = c.get("metadata", {}).get("tags", [])
                assert "nbval-ignore-output" in tags or not c.get("outputs"), \
                    f"{nb.name}: a timing cell is not tagged nbval-ignore-output:\n{source(c)[:200]}"

    def test_ends_with_exercises_and_hidden_solutions(self, nb):
        md = "\n".join(source(c) for c in cells(nb, "markdown"))
        assert re.search(r"^#+ Exercises", md, flags=re.M), f"{nb.name} has no Exercises section"
        assert len(re.findall(r"[:`]{3}\{exercise\}", md)) >= 3, f"{nb.name} has fewer than 3 exercises"
        assert re.search(r"\{solution(-start)?\}", md) and ":class: dropdown" in md
        code = "\n".join(source(c) for c in cells(nb))
        assert "convlab.check(" in code, f"{nb.name}: no exercise uses convlab.check"

    def test_kernel_is_python3(self, nb):
        meta = json.loads(nb.read_text())["metadata"]
        assert meta.get("kernelspec", {}).get("name") == "python3"
