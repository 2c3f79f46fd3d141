"""Scoring against gold (evaluate, lodo), behaviour specs (specs) and benchmarks (bench)."""
