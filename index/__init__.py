"""Sources → passages → BM25 index. Knows nothing of Discord or of answers."""
