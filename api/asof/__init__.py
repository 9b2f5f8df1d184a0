"""Time travel: `asOf` answers computed from the event store (the aggregates' events up to a
moment), with the same GraphQL types as the live reads."""
