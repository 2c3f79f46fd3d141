"""The output tables: row types (rows.py), arrow schemas, parquet/JSON export, DuckDB/Excel, report, panel."""
