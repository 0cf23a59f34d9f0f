# ikg: two commands on a fresh machine.
#   make serve   set up, build the default graph and its dumps if there are none, serve it on http://127.0.0.1:8000/
#   make test    set up and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-$(shell cat pyproject.toml ui/package-lock.json | cksum | cut -d' ' -f1)

.PHONY: setup browser engines serve build test bench lint clean

$(STAMP): pyproject.toml ui/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	npm ci --prefix ui --no-audit --no-fund --ignore-scripts
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)
	$(BIN)/ikg build --if-missing
	$(BIN)/ikg export --if-missing
	$(BIN)/ikg serve

build: $(STAMP)
	$(BIN)/ikg build
	$(BIN)/ikg export

# The UI tests drive Debian's Chromium (no test tool downloads a browser of its own): installed
# here when missing, so that `make test` alone sets up a fresh machine. Failing to install it
# fails the target: the browser tests must not be skipped.
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The remote-store tests start a real Virtuoso 7 (Debian's virtuoso-opensource; Oxigraph server
# comes with the test extras) and the deployment test a real nginx: installed here when missing,
# never skipped.
engines:
	@{ command -v virtuoso-t && command -v nginx; } >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq virtuoso-opensource nginx >/dev/null; }

test: $(STAMP) browser engines
	$(BIN)/python -m pytest

# wrk (Debian's C load generator) measures throughput: a Python client would be the bottleneck
bench: $(STAMP) engines
	@command -v wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	npm ci --prefix bench/trifid --no-audit --no-fund --ignore-scripts
	$(BIN)/python bench/build_bench.py
	$(BIN)/python bench/sparql_bench.py
	$(BIN)/python bench/lineage_bench.py
	$(BIN)/python bench/network_bench.py
	$(BIN)/python bench/linked_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/proxy_bench.py
	$(BIN)/python bench/pages_bench.py

lint: $(STAMP)
	$(BIN)/ruff check graph service tests bench
	$(BIN)/mypy graph service --ignore-missing-imports

clean:
	rm -rf $(VENV) var
