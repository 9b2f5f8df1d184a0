"""OKRs in the API: objectives and key results."""
