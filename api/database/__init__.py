"""Where the database is, the check before start, and whether it is reachable now."""
