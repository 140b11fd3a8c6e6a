# tiptrends: `make report` builds the data and the HTML site; `make test` runs every test.
# Both create .venv with the package on first use (needs only Python >= 3.11 and pip).

# Paths may contain spaces: every path is quoted in recipes, and none goes through make's
# word functions (abspath, wildcard), which split at spaces.
PYTHON ?= python3
VENV   ?= .venv
BIN    ?= $(VENV)/bin
STAMP  := $(VENV)/.tiptrends-installed
KERNEL := tiptrends
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
# pytest workers, one per CPU. A third worker on 2 CPUs (to fill the time tests wait on a
# kernel, a subprocess, the browser or a lock) gave `make test` cold in 273 s and 305 s,
# against 288 s and 302 s with two: no clear gain, and more load on the timing-sensitive tests
# (benchmarks/suite.py --jobs N compares settings).
TEST_JOBS ?= $(JOBS)
# absolute .venv (ipykernel and JupyterLab need it); CURDIR is the project folder
VENV_ABS := $(if $(filter /%,$(firstword $(VENV))),$(VENV),$(CURDIR)/$(VENV))
BIN_ABS  := $(if $(filter /%,$(firstword $(BIN))),$(BIN),$(CURDIR)/$(BIN))

# uv installs the locked environment in seconds. FIND_UV sets $$uv to: UV=<path> when given,
# else the uv on PATH, else a copy installed from PyPI with pip into $(VENV)/.uv (outside
# site-packages, so that a sync never removes it); empty when none can be had (INSTALLER=pip
# forces the pip route).
UV_BOOT := $(VENV_ABS)/.uv
define FIND_UV
uv="$(UV)"; \
if [ "$(INSTALLER)" = pip ]; then uv=; \
elif [ -z "$$uv" ]; then \
  uv=$$(command -v uv || true); \
  if [ -z "$$uv" ] && [ ! -x "$(UV_BOOT)/bin/uv" ]; then \
    "$(BIN)/python" -m pip install --quiet --target "$(UV_BOOT)" uv >/dev/null 2>&1 || true; fi; \
  if [ -z "$$uv" ] && [ -x "$(UV_BOOT)/bin/uv" ]; then uv="$(UV_BOOT)/bin/uv"; fi; \
fi
endef

# `make ... BIN=<folder>` uses the tiptrends already installed there and skips creating .venv
# (tests run `make data` in a scratch copy with the project's environment this way).
ifeq ($(origin BIN), command line)
SETUP_STAMP :=
else
SETUP_STAMP := $(STAMP)
endif

# Use the local read-only mirror of the raw files when it exists (see data/sources.toml).
MIRROR := $(CURDIR)/../shared/data/raw
ifeq ($(origin TIPTRENDS_DATA_MIRROR), undefined)
ifeq ($(shell test -d "$(MIRROR)" && echo yes),yes)
export TIPTRENDS_DATA_MIRROR := $(shell cd "$(MIRROR)" && pwd)
endif
endif

# One BLAS thread per process: notebooks run in parallel kernels on few cores, and competing
# OpenBLAS threads made a fixed-effects GLM fit take 20 s instead of 0.2 s on 2 CPUs.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.DEFAULT_GOAL := help
.PHONY: help setup lock git-filter bytecode data report test golden lint strip lab diff clean benchmark browser

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(SETUP_STAMP) git-filter ## create .venv with the package, dev extras and the "tiptrends" kernel (reused afterwards)

# Git stores notebooks in their normalised form (no outputs, no editor metadata): see
# src/tiptrends/report/nbclean.py and .gitattributes. Skipped outside a git checkout.
git-filter: $(SETUP_STAMP)
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.tiptrends-notebook.clean "'$(BIN_ABS)/python' -m tiptrends.report.nbclean" && \
	  git config filter.tiptrends-notebook.smudge cat; fi

# The environment comes from the lock (uv.lock; requirements.lock.txt is its export for pip),
# never from a fresh resolution: `uv sync --locked` stops when pyproject.toml and uv.lock
# disagree instead of rewriting the lock (run `make lock`). Without uv, pip installs the
# exported pins, then the package itself (editable, no dependencies). Both write the packages'
# bytecode at install (pip by default, uv with --compile-bytecode): where
# PYTHONDONTWRITEBYTECODE is set, nothing writes it later and every kernel, profile and command
# would compile pandas, matplotlib and the rest from source at each start (2 s more each).
$(STAMP): pyproject.toml uv.lock requirements.lock.txt
	@test -x "$(BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	@$(FIND_UV); \
	if [ -n "$$uv" ]; then \
	  echo "installing the locked environment with $$uv"; \
	  UV_PROJECT_ENVIRONMENT="$(VENV_ABS)" "$$uv" sync --locked --extra dev --quiet --compile-bytecode \
	    || { echo "uv sync failed; if uv.lock and pyproject.toml disagree, run 'make lock'" >&2; exit 1; }; \
	else \
	  echo "uv unavailable: installing requirements.lock.txt with pip"; \
	  "$(BIN)/python" -m pip install --quiet -r requirements.lock.txt && \
	  "$(BIN)/python" -m pip install --quiet --no-deps -e . ; \
	fi
	"$(BIN)/python" -m ipykernel install --prefix "$(VENV_ABS)" --name $(KERNEL) --display-name "Python (tiptrends)" >/dev/null
	@touch "$(STAMP)"

# Update the lock on purpose (the only target that writes it): new or changed requirements of
# pyproject.toml are resolved, every other package keeps its locked version; `make lock
# UPGRADE=1` moves every package to its newest allowed version (then run `make golden`).
lock: ## update uv.lock and requirements.lock.txt after a change of pyproject.toml (UPGRADE=1: newest versions)
	@test -x "$(BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	@$(FIND_UV); \
	test -n "$$uv" || { echo "make lock needs uv (pip install uv)" >&2; exit 1; }; \
	"$$uv" lock $(if $(UPGRADE),--upgrade) && \
	"$$uv" export --quiet --frozen --extra dev --no-hashes --no-emit-project \
	  --output-file requirements.lock.txt

# The package's own bytecode, written where PYTHONDONTWRITEBYTECODE stops Python from doing it
# on import (an editable install is not compiled by the installer): each of the 40 kernels of
# a report would otherwise compile the modules it imports (about 1.4 MB of source) again.
# compileall rewrites only the modules changed since its last run.
bytecode: setup
	@"$(BIN)/python" -m compileall -q -j 0 src/tiptrends >/dev/null

data: setup bytecode ## fetch and verify the raw files, build the curated tables
	"$(BIN)/tiptrends" data fetch
	"$(BIN)/tiptrends" data build
	"$(BIN)/tiptrends" data info --strict

# The default place profiles are queued (tiptrends profile --queue), then the render executes
# them with the chapters in one pool of $(JOBS) workers and one cache, prunes the profiles no
# longer requested and puts the rest in the book's "Places" part.
report: data ## build the data, execute the notebooks and build the book in _build/html/
	"$(BIN)/tiptrends" profile --all-default --queue
	"$(BIN)/tiptrends" render --jobs $(JOBS)
	@echo "book: file://$(CURDIR)/_build/html/index.html"

test: data browser ## run the whole test suite (helpers, readers, notebooks, book in a browser)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup

# The browser test drives Debian's headless chromium; install it when missing (needs root,
# or sudo, and the Debian archive).
browser: ## install chromium and chromium-driver for the browser test when missing
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "installing chromium and chromium-driver (Debian)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

golden: data ## render, show every recorded number that changed, rewrite tests/golden/results.json
	"$(BIN)/python" -m tests.test_golden --update --jobs $(JOBS)

lint: setup ## ruff on the package, tests, benchmarks and notebooks
	"$(BIN)/ruff" check src tests benchmarks notebooks

strip: setup ## store notebooks without outputs, with the project kernel and the book's cell tags
	"$(BIN)/tiptrends" strip

# JupyterLab is a core dependency: `setup` installs it with the package (once, see $(STAMP)).
# The server's root is the repository (src/, data/ and notebooks/ all reachable); Lab opens
# on notebooks/ and reads jupyter_server_config.py from here (notebooks saved as committed).
lab: setup ## JupyterLab on the repository, opened on notebooks/, "tiptrends" kernel
	JUPYTER_PATH="$(VENV_ABS)/share/jupyter" "$(BIN)/jupyter" lab \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks

REV ?= HEAD
diff: setup ## cell-by-cell diff of the notebooks against REV (default HEAD), with nbdime
	"$(BIN)/nbdiff" --sources --metadata $(REV) -- notebooks

benchmark: data ## print the data-layer and render benchmarks
	"$(BIN)/python" benchmarks/data_layer.py
	"$(BIN)/python" benchmarks/render.py

clean: ## remove the build, the curated tables and caches (keeps .venv and data/raw)
	rm -rf _build data/curated .pytest_cache .ruff_cache .hypothesis
