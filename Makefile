# Every target bootstraps .venv from uv.lock by itself (once; later calls are a no-op):
# `make run` installs the runtime set, `make test`, `make lint` and `make bench` add the dev group.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
RUNTIME := $(VENV)/.runtime
DEV := $(VENV)/.dev
# into our .venv, keeping what the lock does not name (uv itself; the dev group after `make test`)
SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync -q --locked --inexact --compile-bytecode --python $(BIN)/python

.PHONY: run test test-fast lint bench bench-reliability lock clean samples

$(UV):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9

$(RUNTIME): uv.lock pyproject.toml | $(UV)
	@$(SYNC) --no-dev
	@# migrate Prefect's local database now, so the first run doesn't pay for it (~10 s)
	@PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/prefect server database upgrade -y >/dev/null 2>&1 || true
	@touch $@

$(DEV): $(RUNTIME)
	@$(SYNC)
	@touch $@

run: $(RUNTIME)
	$(BIN)/paperdigest run

test: $(DEV)
	$(BIN)/python -m pytest -q

# the unit tier, for the edit loop: no servers, no browser, no spawned processes, no campaigns
test-fast: $(DEV)
	$(BIN)/python -m pytest -q -n 2 -m "not slow and not integration and not prefect and not prefect_server"

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

samples: $(RUNTIME)
	$(BIN)/paperdigest samples --days 8 --seed 7 --start 2026-11-16 --out samples/bundled

bench: $(DEV)
	$(BIN)/python -m bench perf

bench-reliability: $(DEV)
	$(BIN)/python -m bench reliability

lock: | $(UV)
	$(UV) lock

clean:
	rm -rf $(VENV) lake
