"""GraphQL for OKRs: objectives and their key results."""
