"""The audit trail's tamper evidence: the hash-chain view and its verification against the event
store."""
