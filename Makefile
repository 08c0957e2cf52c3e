# Every target bootstraps .venv from requirements.lock by itself (once; later calls are a no-op).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-reliability lock clean samples

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	@$(BIN)/uv pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps --no-build-isolation -e .
	@# migrate Prefect's local database now, so the first run doesn't pay for it (~10 s)
	@PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/prefect server database upgrade -y >/dev/null 2>&1 || true
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/paperdigest run

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

samples: $(STAMP)
	$(BIN)/paperdigest samples --days 8 --seed 7 --start 2026-11-16 --out flows/sample_digests

bench: $(STAMP)
	$(BIN)/python -m bench perf

bench-reliability: $(STAMP)
	$(BIN)/python -m bench reliability

lock:
	$(BIN)/uv pip compile requirements.in -p 3.11 -o requirements.lock --no-header -q

clean:
	rm -rf $(VENV) lake
