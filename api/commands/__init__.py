"""The mutation path: from a mutation's input to a committed command and its answer.

Roles, unstorable input, idempotency, rate limits and read-your-writes are applied here once.
"""
