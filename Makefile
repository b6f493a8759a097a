# Two commands on a fresh machine:
#   make run    set up, build the demo database if it is missing, start the dashboard
#   make test   set up (including chromium for the browser test), run the tests
SHELL := /bin/bash
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install system-deps lint demo clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

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

test: install system-deps
	$(VENV)/bin/python -m pytest

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf data/staging data/archive data/httpcache data/*.duckdb test-artifacts
