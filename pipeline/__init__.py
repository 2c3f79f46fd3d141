"""Extraction pipeline for Chinese government policy documents.

The folders follow the data: ``stages/`` (ingest → normalize → segment, outline, metadata, places) make a
:class:`~pipeline.tables.rows.Document`; ``extract/`` reads rows from it (rule engine, one extractor per
table); ``tables/`` holds the row types, their arrow schemas and every writer (parquet, DuckDB, Excel,
report, panel); ``run/`` drives a corpus through them (one document, engines, budgets, cache);
``evaluation/`` scores the tables against gold; ``text/`` has the small text helpers all of them share.
"""
from importlib.resources import files
from pathlib import Path

__version__ = "0.1.0"


def _data_dir(name: str) -> Path:
    """The checkout's top-level ``name``/ when this package runs from a checkout (where maintainers edit
    it); else the copy the wheel ships as ``pipeline._<name>`` (pyproject.toml maps the folder there)."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    return Path(str(files(__name__) / f"_{name}"))


# The rule files every stage reads unless --rules names another folder, and the behaviour cases
# `rules-check` runs unless --specs names another.
DEFAULT_RULES_DIR = _data_dir("rules")
DEFAULT_SPECS_DIR = _data_dir("specs")
