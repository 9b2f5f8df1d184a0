"""GraphQL for auditors: the audit trail's head and its verification."""
