# Two commands on a fresh machine:
#   make run    set up, build the demo database if it is missing, start the dashboard
#   make test   set up (including chromium for the browser test), run the tests
#   make lock   after changing a dependency in pyproject.toml: re-pin the whole tree with hashes
#   make audit  look the locked versions up for known vulnerabilities (CI runs it)
SHELL := /bin/bash
VENV := .venv
LOCK := requirements.lock
# The lock is made from pyproject.toml: both decide what is installed.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) 2>/dev/null | sha1sum | cut -c1-12)
TOOLS := $(VENV)/tools
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install system-deps lint demo clean lock audit

# Every package from the lock, each checked against its hashes; then the project itself, which
# adds nothing (--no-deps). pip check fails when pyproject.toml names a package the lock lacks.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(VENV)/bin/pip check --disable-pip-version-check >/dev/null || { $(VENV)/bin/pip check; \
	  echo "$(LOCK) does not cover pyproject.toml: run make lock"; exit 1; }
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# pip-tools and pip-audit live in their own venv: they are not the project's dependencies.
$(TOOLS)/.installed:
	@test -x $(TOOLS)/bin/python || python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2 pip-audit==2.10.1
	@touch $@

# Keeps every pin the lock already has and resolves only what changed (--upgrade-package NAME to move one).
lock: $(TOOLS)/.installed
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --strip-extras \
	  --no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

audit: $(TOOLS)/.installed
	$(TOOLS)/bin/python .ci/audit.py $(LOCK)

# Debian packages the browser test needs; installed only when missing.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
	  echo "installing chromium and fonts-noto-cjk"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    chromium fonts-noto-cjk >/dev/null; \
	fi

# The demo council is served beside the dashboard so that links to the original minutes open.
run: install
	$(VENV)/bin/oshigiin demo build --if-missing
	@$(VENV)/bin/oshigiin demo serve >/dev/null 2>&1 & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  PORT=$(PORT) $(VENV)/bin/oshigiin dashboard

demo: install
	$(VENV)/bin/oshigiin demo build

# The tools venv too: tests/test_dependencies.py runs the audit against a local stand-in service.
test: install system-deps $(TOOLS)/.installed
	$(VENV)/bin/python -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf data/staging data/archive data/httpcache data/*.duckdb test-artifacts
