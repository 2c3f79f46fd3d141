"""Driving a corpus through the pipeline: one document (process.py), the runner, engines, budgets, cache.

No module here is imported by this file: ``engines`` and ``dask_engine`` import ``process``, ``runner``
imports the engines; nothing imports back up."""
