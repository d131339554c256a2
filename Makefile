# The two set-up commands are `make demo` and `make test`; each builds .venv/ on a fresh machine by itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PACKAGES := $(patsubst %/pyproject.toml,%,$(sort $(wildcard */pyproject.toml clients/*/pyproject.toml)))
# Fidelity tests validate emulator responses against the official API descriptions found here.
export LEDGERBRIDGE_SPECS ?= $(wildcard $(abspath $(CURDIR)/../shared/specs))

.PHONY: demo test lint format venv tools clean bench chaos docker-test

venv: $(VENV)/.installed

# Pinned tools that must not share .venv's dependency set (each pulls versions the connectors do not run with):
# Poetry, to keep each connector's poetry.lock checked, and PyAirbyte, to run the connectors as Python users do.
# Debian's Chromium (with its WebDriver) is installed once per machine when missing, for the status page's browser test.
POETRY_VERSION := 2.5.1
PYAIRBYTE_VERSION := 0.71.3
TOOLS := .venv-tools
PYAIRBYTE := .venv-pyairbyte
tools: $(TOOLS)/.installed $(PYAIRBYTE)/.installed
	bash docker/ensure-browser.sh

$(TOOLS)/.installed: Makefile
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "poetry==$(POETRY_VERSION)"
	touch $@

$(PYAIRBYTE)/.installed: Makefile
	test -x $(PYAIRBYTE)/bin/python || $(PYTHON) -m venv $(PYAIRBYTE)
	$(PYAIRBYTE)/bin/python -m pip install --quiet --disable-pip-version-check "airbyte==$(PYAIRBYTE_VERSION)"
	touch $@

$(VENV)/.installed: requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt $(addprefix -e ./,$(PACKAGES))
	touch $@

demo: venv
	$(BIN)/ledgerbridge demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint tools
	PATH="$(BIN):$$PATH" bash .ci/pytest-each $(PACKAGES) integration_tests chaos security
	$(MAKE) docker-test

# The four connector images, built offline and run in Docker against the emulators (needs a Docker engine; the tier
# installs the engine if missing, starts dockerd itself when none runs, and fails, never skips, when it cannot).
docker-test: venv
	bash docker/ensure-tools.sh
	cd integration_tests && PATH="$(BIN):$$PATH" pytest -m docker_tier

bench: venv
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/run_all.py

# The issue's full counts (100 kill points over 1,000 orders, 200 rotation runs); `make test` runs a reduced set.
chaos: venv
	cd chaos && LEDGERBRIDGE_CHAOS=full PATH="$(BIN):$$PATH" $(BIN)/pytest

clean:
	rm -rf $(VENV) $(TOOLS) $(PYAIRBYTE)
