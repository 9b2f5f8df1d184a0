"""GraphQL for the capacity plan."""
