# Two entry points (see README): `make example` runs the main job on the bundled example data,
# `make test` runs the whole suite. Both create .venv and install everything on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: example test lint typecheck docs notebooks clean bench r-references app screenshots

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $(STAMP)

# The main job: size and draw the stratified sample from the bundled synthetic eligible population
# (results in out/example/), then the published inspections' samples and implied populations.
example: $(STAMP)
	mkdir -p out
	$(PY) -m sampling draw sampling/data/example_population.csv --id case_id \
		--strata gender,disposal,risk --n auto --seed 2026 --reserves 2 --out out/example --force
	$(PY) -m sampling published

# The web app for methodology staff, on this computer only (prints the address to open).
app: $(STAMP)
	$(PY) -m webapp

# Refresh the docs' screenshots of the web app (docs/img/webapp-*.png) from the browser test.
screenshots: $(STAMP)
	WEBAPP_SCREENSHOTS=docs/img $(PY) -m pytest tests/webapp/test_browser.py -q -p no:xdist

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: lint typecheck docs
	$(PY) -m pytest -n 2 -q

# Benchmarks (not part of the tests): also installs the `bench` extra (scikit-learn, a comparator).
bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev,bench]"
	$(PY) benchmarks/run.py

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet --site-dir site
	@echo "Documentation built: open site/index.html in a browser (file://$(CURDIR)/site/index.html)"

# Regenerate the executed notebooks from their percent-format sources (notebooks/*.py).
notebooks: $(STAMP)
	for src in notebooks/*.py; do \
		$(VENV)/bin/jupytext --quiet --to ipynb "$$src" && \
		$(VENV)/bin/jupyter nbconvert --log-level=ERROR --to notebook --execute --inplace \
			"$${src%.py}.ipynb" || exit 1; \
	done

# Rewrite tests/r/references.csv, R's own outputs that tests/test_r_references.py compares with
# (needs Rscript; the tests read the committed file and do not need R).
r-references:
	Rscript tests/r/make_references.R
	Rscript tests/r/findings_references.R

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache .hypothesis
