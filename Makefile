# The two commands of the README. Each sets itself up: a virtual environment in .venv, nbalign
# installed in it (editable, with the JupyterLab sidebar built from labextension/), then its job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when what the install depends on changes (the sidebar's build generates its
# types from protocol/schema.json with labextension/scripts/).
INSTALL_INPUTS := pyproject.toml labextension/package.json labextension/yarn.lock protocol/schema.json \
	$(shell find labextension/src labextension/style labextension/scripts -type f 2>/dev/null)
STAMP := $(VENV)/.nbalign-installed
# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)
# Tools started by tools (jlpm, jupyter-builder, node's build) come from the environment too.
export PATH := $(abspath $(BIN)):$(PATH)

# What the benchmarks compare against: installed by `make bench` only, never a dependency of nbalign.
BENCH_ANCHORS := "mlflow>=3"

.PHONY: lab test bench setup clean

lab: setup
	$(BIN)/jupyter lab $(LAB_ARGS) example_notebooks/churn.ipynb

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m pip install --quiet $(BENCH_ANCHORS)
	$(BIN)/python benchmarks/bench.py

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python $(INSTALL_INPUTS)
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	$(BIN)/jupyter-builder develop --overwrite . > /dev/null
	@$(BIN)/jupyter labextension list 2>&1 | grep -q "nbalign.*enabled.*OK" || \
		{ echo "the nbalign labextension is not enabled and OK:"; $(BIN)/jupyter labextension list; exit 1; }
	@touch $(STAMP)

clean:
	rm -rf $(VENV) nbalign/labextension labextension/lib labextension/node_modules test-artifacts
