# `make run` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: run serve test lint bench bench-sends bench-instructions bench-progress assets clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)  # migrates, seeds the demo data, then web + worker + cron (see devtools/run_local.py)
	$(BIN)/python -m devtools.run_local

serve: $(STAMP)  # the Procfile as production runs it, on real PostgreSQL and Redis
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" || { \
	  echo "make serve needs DATABASE_URL (PostgreSQL) and REDIS_URL; make run needs neither"; exit 2; }
	$(BIN)/flask --app app db upgrade
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start web worker cron

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app workers tests ivr_flows devtools migrations benchmarks
	$(BIN)/mypy  # strict, on app workers ivr_flows: [tool.mypy] in pyproject.toml

bench: $(STAMP)  # the webhooks and the API under wrk, then the background sends (both on DATABASE_URL if set)
	$(BIN)/python -m benchmarks.webhooks
	$(BIN)/python -m benchmarks.background_sends

bench-sends: $(STAMP)  # PostgreSQL via DATABASE_URL (a scratch database: its tables are emptied), else SQLite
	$(BIN)/python -m benchmarks.background_sends

bench-instructions: $(STAMP)  # needs valgrind: instructions per request, floor to api (DATABASE_URL as for bench)
	$(BIN)/python -m benchmarks.instructions

bench-progress: $(STAMP)  # needs PostgreSQL (a scratch database named bench_*)
	$(BIN)/python -m benchmarks.progress_selection

.PHONY: bench-console
bench-console: $(STAMP)  # needs PostgreSQL: seeds a scratch database (bench_console) and times every console page
	$(BIN)/python -m benchmarks.console_pages $(BENCH_ARGS)

assets:  # GOV.UK Frontend 6.3.0 with Arial into app/console/static (needs Node 20 + npm; the output is committed)
	cd devtools/assets && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) instance .pytest_cache
