# The two set-up commands are `make demo` and `make test`; each builds .venv/ on a fresh machine by itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PACKAGES := $(patsubst %/pyproject.toml,%,$(sort $(wildcard */pyproject.toml clients/*/pyproject.toml)))
# Fidelity tests validate emulator responses against the official API descriptions found here.
export LEDGERBRIDGE_SPECS ?= $(wildcard $(abspath $(CURDIR)/../shared/specs))

.PHONY: demo test lint format venv clean bench chaos docker-test

venv: $(VENV)/.installed

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

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
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
	rm -rf $(VENV)
