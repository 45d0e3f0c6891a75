# Two commands do all set-up on a fresh machine:
#   make demo  -> virtual environment, install, HTML report on the bundled data
#   make test  -> virtual environment, install, ruff + the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/paxsilica --db build/demo.duckdb report -o build/paxsilica-report.html

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(BIN)/ruff check src tests bench scripts
	# one worker more than cores (a share of the tests wait on servers, browsers and
	# subprocesses); a module's tests stay on one worker, so its fixtures (stores, rendered
	# reports) are built once
	$(BIN)/python -m pytest -n $$(( $$(nproc) + 1 )) --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build .pytest_cache
