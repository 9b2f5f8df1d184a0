"""Rankings in the API: the alignment multipliers."""
