# cjgscan: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_SECRET_KEY := insecure-key-for-tests-only-0123456789abcdef

.PHONY: demo test bench lint typecheck pytest system-packages messages screenshots constraints clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cjgscan needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs take their versions from constraints.txt (every transitive package pinned; `make constraints`).
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

# Regenerate constraints.txt from a fresh install of pyproject.toml's pins in a throw-away virtualenv.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '1,/^# a dependency/p' constraints.txt; .venv-constraints/bin/python -m pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-constraints
	@echo "constraints.txt updated; review the diff and commit it"

# The demo: seeded data, the website and the background worker in one command (Ctrl+C stops both). E-mail goes
# to the demo's Post page (EMAIL_URL=outbox://, refused outside DEBUG), so invitation links can be followed.
DEMO_ENV := DEBUG=1 EMAIL_URL=$${EMAIL_URL:-outbox://}
demo: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/cjgscan migrate --noinput
	$(DEMO_ENV) $(BIN)/cjgscan demo --url http://$(HOST):$(PORT)
	$(DEMO_ENV) $(BIN)/cjgscan worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/cjgscan runserver $(HOST):$(PORT)

# Debian packages for the browser, translation and PDF tests (see the script).
system-packages:
	@scripts/system-packages

lint: $(VENV)/.installed-test
	$(BIN)/ruff check cjgscan tests bench
	$(BIN)/ruff format --check cjgscan tests bench

typecheck: $(VENV)/.installed-test
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/mypy cjgscan

pytest: $(VENV)/.installed-test system-packages
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Benchmarks: ratios of our code to the raw database, measured in one run (docs/benchmarks.md).
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.load --duration $${LOAD_DURATION:-60}
	$(BIN)/python -m bench.exports
	$(BIN)/python -m bench.report

# Every respondent page and the main coordinator pages as PNG at 375x740 and 1280x900, to look at:
# test-artifacts/screenshots/ (see tests/browser/screenshots.py).
screenshots: $(VENV)/.installed-test
	SECRET_KEY=$(TEST_SECRET_KEY) $(BIN)/python -m pytest tests/browser/screenshots.py -q -p no:cacheprovider --liveserver=127.0.0.1:$${SCREENSHOTS_PORT:-8140}
	@echo "Screenshots in test-artifacts/screenshots/"

# Regenerate the translation catalogues after changing texts (needs gettext).
messages: $(VENV)/.installed-test
	cd cjgscan && SECRET_KEY=$(TEST_SECRET_KEY) ../$(BIN)/cjgscan makemessages -l nl -l en --no-obsolete --no-location
	cd cjgscan && SECRET_KEY=$(TEST_SECRET_KEY) ../$(BIN)/cjgscan compilemessages

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
