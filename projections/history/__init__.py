"""History views for auditors: every tag decision, append-only."""
