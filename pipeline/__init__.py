"""Extraction pipeline for Chinese government policy documents.

The folders follow the data: ``stages/`` (ingest → normalize → segment, outline, metadata, places) make a
:class:`~pipeline.tables.rows.Document`; ``extract/`` reads rows from it (rule engine, one extractor per
table); ``tables/`` holds the row types, their arrow schemas and every writer (parquet, DuckDB, Excel,
report, panel); ``run/`` drives a corpus through them (one document, engines, budgets, cache);
``evaluation/`` scores the tables against gold; ``text/`` has the small text helpers all of them share.
"""
from pathlib import Path

__version__ = "0.1.0"
# The rule files every stage reads unless --rules names another folder.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
