"""GraphQL for the coverage dashboard: `coverage(team, cycle)`, its types and its read."""
