# Each target creates .venv and installs what it needs; `make run` and `make test`
# are the README's quick start.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast lint bench clean

# The project itself is installed (editable) for its `trustlens` console script.
$(VENV)/.runtime: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The Spark engine and its tests (pyspark; Java 17 from the system): lint and the tests,
# never `make run`.
$(VENV)/.spark: $(VENV)/.dev requirements-spark.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) -m streamlit run app.py --server.port=$(PORT) --server.address=127.0.0.1

lint: $(VENV)/.spark
	$(PY) -m ruff check .
	$(PY) -m mypy

# Everything: lint, types, unit, AppTest, fuzz campaign, benchmarks smoke, real browser.
test: lint
	$(PY) -m pytest

# The edit-test loop: lint, types, unit and AppTest tests; no browser, fuzz or benchmarks.
test-fast: lint
	$(PY) -m pytest tests/unit tests/app --ignore=tests/unit/test_benchmarks_smoke.py

bench: $(VENV)/.dev
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache artifacts
