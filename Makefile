# The commands the README names. Each installs what it needs first.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
# A uv that runs (a pyenv shim may name one that does not), else the one `make uv` installs.
UV := $(shell uv --version >/dev/null 2>&1 && command -v uv || echo $(HOME)/.local/bin/uv)
# Tests start tools through it (localstripe: `uv tool run`), whatever PATH says.
export PETITE_UV := $(UV)
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test lint typecheck checks pytest conformance sync uv bench messages demo browsers clamav clean

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --user --quiet uv
	@$(UV) --version >/dev/null

sync: uv
	@$(UV) sync --frozen --quiet

# Start the platform at http://$(HOST):$(PORT): web server, task worker and scheduler.
run: sync clamav
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) demo_data
	@bin/run-platform $(HOST) $(PORT)

# Layers, app independence and no import cycle: docs/adr/0016-layers-and-allowlist.md.
lint: sync
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(UV) run --frozen bin/import-cycles

typecheck: sync
	$(UV) run --frozen mypy .

checks: sync
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

# Debian's Chromium for the browser tests: Playwright drives it and never downloads one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's ClamAV daemon for the malware scanner: the tests and `make run` start it
# with the project's own signatures (no download); production points at a clamd host.
clamav:
	@command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] || { \
	  echo "Installing Debian's clamav-daemon for the malware scanner"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clamav-daemon >/dev/null; }

pytest: sync browsers clamav
	$(UV) run --frozen pytest $(PYTEST_ARGS)

test: lint typecheck checks pytest

# Every delivered clause proven by a passing test of the last run (a skip is unproven).
conformance: sync
	$(MANAGE) conformance --strict

# Benchmarks: print ratios and write bench/RESULTS.md.
bench: sync
	$(UV) run --frozen python bench/logging_middleware.py
	$(UV) run --frozen python bench/rights.py
	$(UV) run --frozen python bench/notice_campaign.py --kill
	$(UV) run --frozen python bench/ads.py

# Regenerate and compile the French catalogues after changing user-facing text.
messages: sync
	$(MANAGE) makemessages -l fr --no-obsolete --ignore=.venv --ignore=var
	$(MANAGE) compilemessages --ignore=.venv --ignore=var

demo: sync
	$(MANAGE) demo_data

clean:
	rm -rf var/petite.sqlite3* var/mail var/static
