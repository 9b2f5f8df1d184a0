"""The domain: aggregates, the application's commands and the rules (imports neither the API
nor the projections)."""

# First: every class the event store names gets its permanent stored name before any use.
from okrank.domain import event_names  # noqa: F401
