"""OKRs: objectives and their key results (the aggregate and its rules)."""
