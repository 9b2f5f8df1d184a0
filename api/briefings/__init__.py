"""Mission briefings in GraphQL."""
