"""GraphQL for stakeholder exercises: types, queries, mutations, privacy, MaxDiff results."""
