# The two commands of the README. Each sets itself up: a local .venv with
# convlab installed (editable) and the extras it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= book,test
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: book test lint bench notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

## make book: build the rendered book into _build/html (every page rebuilt and every notebook re-executed
## on the current convlab, so no page shows stale output; warnings are errors)
book: $(STAMP)
	$(BIN)/jupyter-book build . --all -W --keep-going

## make test: every test (unit, property, doctests, notebooks via nbval, the book in a browser)
test: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/python -m pytest

## make bench: the benchmark table (BENCH_ARGS=--quick for a short run)
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

## make notebooks: re-execute every chapter in place (commit them with their fresh outputs)
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build .pytest_cache .hypothesis
