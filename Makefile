# The commands of the README. Each sets itself up: a local .venv with
# convlab installed (editable) and the extras it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXTRAS ?= book,test
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
# `make lab` adds JupyterLab to whatever EXTRAS installed, under a stamp of its own,
# so that switching between `make test` and `make lab` does not reinstall everything
LAB_STAMP := $(VENV)/.installed-lab-extra
LAB_ARGS  ?=
# Jupyter refuses to run as root unless told; in a container root is the only user
LAB_ROOT   = $(if $(filter 0,$(shell id -u)),--allow-root)
# `make pdf` needs Debian's TeX: the smallest set it builds with (texlive-xetex brings
# latex-base/-recommended/-extra and Latin Modern; fonts-recommended has hyperref's link font)
TEX_APT := texlive-xetex texlive-fonts-recommended latexmk fonts-dejavu-core

.PHONY: book test lab pdf lint bench notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

## make book: build the rendered book into _build/html (every page rebuilt and every notebook re-executed
## on the current convlab, so no page shows stale output; warnings are errors). The pages need no network:
## MathJax is copied in from the book extra's pinned django-static-mathjax
book: $(STAMP)
	$(BIN)/jupyter-book build . --all -W --keep-going

## make test: every test (unit, property, doctests, notebooks via nbval, the book in a browser)
test: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/python -m pytest

## make lab: open the chapters in JupyterLab, on the .venv's kernel (convlab editable); LAB_ARGS=... for more options
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab $(LAB_ROOT) $(LAB_ARGS) book/

$(LAB_STAMP): $(STAMP) pyproject.toml
	$(if $(filter lab,$(subst $(comma), ,$(EXTRAS))),,$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),lab]")
	touch $@

## make pdf: build the whole book as one PDF, _build/latex/convlab.pdf (XeLaTeX; needs Debian's TEX_APT)
pdf: $(STAMP)
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null || { \
	    echo "make pdf needs xelatex and latexmk. Install them with:"; \
	    echo "    apt-get install --no-install-recommends $(TEX_APT)"; exit 1; }
	$(BIN)/jupyter-book build . --builder pdflatex --all -W --keep-going

## make bench: the benchmark table (BENCH_ARGS=--quick for a short run)
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

## make notebooks: re-execute every chapter in place (commit them with their fresh outputs)
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build .pytest_cache .hypothesis
