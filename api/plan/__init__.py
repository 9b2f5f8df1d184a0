"""GraphQL for the capacity plan: its query, types and reads."""
