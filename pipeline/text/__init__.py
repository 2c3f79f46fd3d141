"""Text helpers shared by stages and extractors: Chinese numerals, span merging."""
