# Two commands: `make demo` and `make test`. Each sets up .venv itself on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install demo test browser serve bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# A sample of the White House's briefing transcripts imported from their text archive, then the
# nightly flow over the bundled recorded pages (snapshots/), replayed from a local server, into the
# default archive (data/podium.duckdb, which the README's queries read); then a summary and an
# example query. Run it twice to see an incremental run.
demo: install
	$(BIN)/podium import-transcripts snapshots/whitehouse_briefings --source whitehouse_briefings
	$(BIN)/podium nightly --replay snapshots --example-query

# The linter and the layers first ([tool.ruff] and [tool.importlinter] in pyproject.toml), then the suite.
test: install browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# The browser test drives Debian's Chromium with its own chromedriver (never a downloaded browser).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# Benchmarks print tables (quality and speed against the libraries podium competes with).
bench: $(VENV)/.bench-stamp
	$(BIN)/python bench/run_all.py

# The bench extra (DuckLake, PostgreSQL via pgserver), installed once per change of pyproject.toml.
$(VENV)/.bench-stamp: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

clean:
	rm -rf data .pytest_cache

# The Prefect UI at http://127.0.0.1:4200 with podium's deployments (nightly, adhoc-crawl, …).
serve: install
	$(BIN)/podium serve
