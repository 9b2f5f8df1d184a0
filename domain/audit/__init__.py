"""Audit rules with no storage: the hash chain's canonical bytes and links, and how a chain is
checked against the stored events."""
