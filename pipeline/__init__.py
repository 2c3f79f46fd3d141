"""Extraction pipeline for Chinese government policy documents.

Stages, one module each: ingest -> normalize -> segment/outline/metadata -> extract -> export.
"""
__version__ = "0.1.0"
