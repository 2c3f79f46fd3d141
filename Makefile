# Two set-up commands: `make extract` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
INPUT ?= raw
OUTPUT ?= extracted

.PHONY: extract test eval rules-check bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

extract: $(STAMP)
	$(PY) -m pipeline extract --input $(INPUT) --output $(OUTPUT)

test: $(STAMP)
	$(PY) -m pytest -q

eval: $(STAMP)
	test -f $(OUTPUT)/documents.parquet || $(MAKE) extract
	$(PY) -m pipeline eval --predicted $(OUTPUT) --gold tests/gold --output $(OUTPUT)/eval.json
	$(PY) -m pipeline lodo --input $(INPUT) --gold tests/gold --output $(OUTPUT)/lodo.json

rules-check: $(STAMP)
	$(PY) -m pipeline rules-check

bench: $(STAMP)
	$(PY) -m pipeline.bench --raw $(INPUT) --output $(OUTPUT)/bench.json

clean:
	rm -rf $(VENV) $(OUTPUT)
