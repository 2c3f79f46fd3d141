# Two set-up commands: `make extract` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
INPUT ?= raw
OUTPUT ?= extracted

.PHONY: extract test eval rules-check bench clean report xlsx browser train-ner
# The browser test drives Debian's headless Chromium; `make browser` installs it (and a CJK font
# for readable screenshots) when missing. Root installs directly, others through sudo.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

extract: $(STAMP)
	$(PY) -m pipeline extract --input $(INPUT) --output $(OUTPUT)

test: $(STAMP) browser
	$(PY) -m pipeline rules-check
	$(PY) -m pytest -q

browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium fonts-wqy-microhei; }

report: $(STAMP)
	test -f $(OUTPUT)/documents.parquet || $(MAKE) extract
	$(PY) -m pipeline report --input $(OUTPUT) --output $(OUTPUT)/report

xlsx: $(STAMP)
	test -f $(OUTPUT)/documents.parquet || $(MAKE) extract
	$(PY) -m pipeline xlsx --input $(OUTPUT) --output $(OUTPUT)/policy.xlsx

# eval re-runs extract first (incremental: only what changed is processed), so it never scores stale tables.
# Each set's scores go to eval*.json (overall, per document, per document kind) and eval*.misses.md.
eval: extract
	$(PY) -m pipeline eval --predicted $(OUTPUT) --gold tests/gold --output $(OUTPUT)/eval.json
	$(PY) -m pipeline lodo --input $(INPUT) --gold tests/gold --output $(OUTPUT)/lodo.json
	@echo "held-out set (tests/heldout: other styles; see its README for how it was used)"
	$(PY) -m pipeline extract --input tests/heldout/raw --output $(OUTPUT)/heldout --no-publish
	$(PY) -m pipeline eval --predicted $(OUTPUT)/heldout --gold tests/heldout/gold --output $(OUTPUT)/eval_heldout.json
	@echo "real documents (tests/real: the development measure; see its README)"
	$(PY) -m pipeline extract --input tests/real/raw --output $(OUTPUT)/real --no-publish
	$(PY) -m pipeline eval --predicted $(OUTPUT)/real --gold tests/real/gold --output $(OUTPUT)/eval_real.json
	@echo "the six Word work reports (tests/real/gold_docx: helper annotations; see its README)"
	$(PY) -m pipeline eval --predicted $(OUTPUT)/real --gold tests/real/gold_docx --output $(OUTPUT)/eval_real_docx.json
	$(PY) -m pipeline lodo --input tests/real/raw --gold tests/real/gold --output $(OUTPUT)/lodo_real.json

rules-check: $(STAMP)
	$(PY) -m pipeline rules-check

bench: $(STAMP)
	$(PY) -m pipeline.evaluation.bench --raw $(INPUT) --output $(OUTPUT)/bench.json

# Retrains pipeline/ner (see its MODEL_CARD.md); not part of `make test`. The lexicons of
# companynameparser (Apache-2.0, PyPI) feed the synthetic sentences; training runs without them if absent.
train-ner: $(STAMP)
	$(PY) -m pip install --quiet --no-deps companynameparser==0.1.8 || echo "companynameparser unavailable: training without its lexicons"
	$(PY) -m pipeline.ner.train --raw tests/real/raw --raw raw --gold tests/real/gold --gold tests/gold \
	  --gold tests/heldout/gold --output $(OUTPUT)/ner_model

clean:
	rm -rf $(VENV) $(OUTPUT)
