# budgetkit: set-up and everyday commands (see README.md).
#
#   make lab         set everything up, then open the notebooks in JupyterLab
#   make test        set everything up, then run the unit tests and every notebook (nbval)
#   make site        set everything up, then build the static HTML site of the notebooks in site/
#
# Both start from a fresh machine: the only prerequisite is python3 >= 3.11
# (choose another one with `make test PYTHON=/path/to/python3.12`). Everything
# is installed into ./.venv; nothing is registered globally (no kernelspec, no
# user site-packages). The one system-wide step is the CJK font for charts,
# installed only when missing and only as root / with passwordless sudo.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
# Touched after a successful install; pyproject.toml changes trigger a reinstall.
STAMP := $(VENV)/.budgetkit-installed
EXTRAS := test,notebooks

RAW := data/raw/2023-longhua-iit-department-budget.txt
DATASET := data/longhua-iit-2023

# Run Jupyter tools with the venv first on PATH (so a kernel's "python" is the
# venv's) and prefer the venv's Jupyter data over the user's.
VENV_ENV := PATH="$(abspath $(VENV))/bin:$$PATH" JUPYTER_PREFER_ENV_PATH=1

# Extra arguments for pytest, e.g. `make test ARGS="-k money -x"`,
# and for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --port 8899"`.
ARGS ?=
LAB_ARGS ?=

.PHONY: help venv fonts lab voila test notebooks site data bench clean distclean

help:
	@echo "make lab        set up .venv (if needed) and open notebooks/ in JupyterLab"
	@echo "make voila      set up .venv (if needed) and serve the drill-down lesson (02) as a Voila dashboard"
	@echo "make test       set up .venv (if needed) and run unit tests + every notebook (nbval)"
	@echo "make notebooks  re-execute all notebooks in place (deterministic outputs)"
	@echo "make site       build site/: every notebook executed and rendered to HTML, with an index"
	@echo "make data       regenerate $(DATASET)/ from $(RAW) with 'budgetkit parse'"
	@echo "make bench      run the benchmarks in benchmarks/ (library, widgets, reader, notebooks)"
	@echo "make clean      remove build artefacts and caches (keeps .venv)"
	@echo "make distclean  clean, and remove .venv too"

# --- set-up ------------------------------------------------------------------

venv: $(STAMP)

$(VPY):
	@$(PYTHON) -c 'import sys; sys.exit(0) if sys.version_info >= (3, 11) else sys.exit("budgetkit needs Python >= 3.11, but $(PYTHON) is " + sys.version.split()[0] + ". Run make with PYTHON=/path/to/python3.11 (or newer).")' \
	  || { echo "error: '$(PYTHON)' (Python >= 3.11) is needed; see the message above." >&2; exit 1; }
	@echo "Creating virtualenv $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed. On Debian/Ubuntu install the venv module first:" >&2; \
	  echo "       sudo apt-get install python3-venv" >&2; \
	  exit 1; }

$(STAMP): pyproject.toml | $(VPY)
	@echo "Installing budgetkit (editable) with extras [$(EXTRAS)] into $(VENV)"
	$(VPY) -m pip install --disable-pip-version-check -e '.[$(EXTRAS)]'
	@touch $@

# Charts label things in Chinese and need a CJK font. Install one when none is
# found and we may (apt-get + root or passwordless sudo); otherwise say how.
fonts:
	@if [ "$$(uname -s)" = Darwin ]; then exit 0; fi; \
	if command -v fc-list >/dev/null 2>&1 && [ -n "$$(fc-list :lang=zh 2>/dev/null)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else SUDO="-"; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$SUDO" != "-" ]; then \
	  echo "No CJK font found (fc-list :lang=zh is empty): installing fonts-noto-cjk with apt-get"; \
	  if $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	     && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk fontconfig >/dev/null; then \
	    rm -f "$${MPLCONFIGDIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/matplotlib}"/fontlist-*.json; \
	    if [ -n "$$(fc-list :lang=zh 2>/dev/null)" ]; then echo "Installed fonts-noto-cjk."; exit 0; fi; \
	    echo "warning: fonts-noto-cjk was installed, but fc-list :lang=zh still finds no font."; \
	  else \
	    echo "warning: installing fonts-noto-cjk failed (see above)."; \
	  fi; \
	fi; \
	echo "warning: no CJK font found; Chinese text in charts will show as empty boxes."; \
	echo "  Fix (Debian/Ubuntu): sudo apt-get install fonts-noto-cjk"; \
	echo "  Elsewhere: install a Noto Sans CJK SC (or Source Han Sans SC) font."; \
	echo "  Then: rm -f ~/.cache/matplotlib/fontlist-*.json"; \
	echo "Continuing without it."

# --- the two README commands -------------------------------------------------

# Jupyter refuses to run as root unless told (containers, Binder-like images).
lab: $(STAMP) fonts
	$(VENV_ENV) $(VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_ARGS)

# The drill-down lesson (02) as a Voilà dashboard: outputs and live widgets, no code.
VOILA_ARGS ?=
voila: $(STAMP) fonts
	$(VENV_ENV) $(VENV)/bin/voila "notebooks/02_支出结构.ipynb" $(VOILA_ARGS)

test: $(STAMP) fonts
	$(VENV_ENV) $(VPY) -m pytest --nbval-lax tests notebooks $(ARGS)

# --- maintenance -------------------------------------------------------------

# Re-execute notebooks in place, deterministically (see tools/execute_notebooks.py).
# `make notebooks NB="notebooks/02_支出结构.ipynb"` re-executes just those.
NB ?=

notebooks: $(STAMP) fonts
	$(VENV_ENV) PYTHONHASHSEED=0 SOURCE_DATE_EPOCH=0 $(VPY) tools/execute_notebooks.py $(NB)

# Static HTML site in site/ (not committed): every notebook executed afresh and
# rendered with its widget state, an index in Chinese, solutions folded. The
# widget JavaScript is fetched once with npm into build/site-assets/ (pinned,
# hash-checked) so the pages work offline; see tools/build_site.py.
SITE ?= site

site: $(STAMP) fonts
	$(VENV_ENV) PYTHONHASHSEED=0 $(VPY) tools/build_site.py --out $(SITE)

data: $(STAMP)
	$(VENV)/bin/budgetkit parse $(RAW) --out $(DATASET)

bench: $(STAMP)
	$(VPY) benchmarks/bench.py
	$(VPY) benchmarks/bench_widgets.py
	$(VPY) benchmarks/bench_reader.py
	$(VENV_ENV) $(VPY) benchmarks/bench_notebooks.py

clean:
	rm -rf build dist .pytest_cache .hypothesis .benchmarks .coverage htmlcov budgetkit/_data site test-artifacts
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.egg-info' -o -name .ipynb_checkpoints \) -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
