"""Document-building stages: ingest (files → text), normalize, segment, outline, metadata, places."""
