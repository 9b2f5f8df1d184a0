"""GraphQL for OKRs: objectives and their key results (types, queries, reads, mutations)."""
