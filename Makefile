# victimcare: `make run` serves the app on http://127.0.0.1:5000 (PORT overrides); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test install install-test assets migrate seed browser-deps gallery clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files make repeat runs quick: reinstall only when setup.cfg or the npm lock changes.
$(VENV)/.installed: $(BIN)/activate setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

victimcare/static/css/main.css: node_modules/.installed frontend/build.mjs $(wildcard frontend/scss/*.scss frontend/js/*.js frontend/images/*)
	npm run --silent build

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
assets: victimcare/static/css/main.css

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

run: install assets seed
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium for the browser tests (Playwright's own browser download cannot work offline).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) \
	      || echo "WARNING: could not install Chromium; browser tests will be skipped loudly"; \
	  else \
	    echo "WARNING: /usr/bin/chromium missing and cannot apt-get install it; browser tests will be skipped loudly"; \
	  fi; \
	fi

test: $(VENV)/.installed-test assets browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Every page each role can reach, full-page at 1280 and 375 pixels, from a fresh demo database: open
# gallery/index.html. GALLERY_ARGS passes options (e.g. --roles advocate,public or --base-url http://127.0.0.1:5000).
gallery: $(VENV)/.installed-test assets browser-deps
	$(BIN)/python -m tests.browser.gallery --out gallery $(GALLERY_ARGS)

clean:
	rm -rf $(VENV) node_modules victimcare/static instance/victimcare.db
