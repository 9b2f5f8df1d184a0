"""Ranking changes: which items moved, written to an outbox for subscribers and webhooks."""
