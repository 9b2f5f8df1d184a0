"""The mutation path: from a mutation's input to a committed command and its answer.

`path.py` is the one path every mutation takes (roles from api.auth.permissions, unstorable
input, outage refusal, rate limit, the command built at the edge, idempotency, the worker
thread, read-your-writes, the typed answer); `inputs.py` what inputs share (IDs, the expected
version); `idempotency.py`, `rate_limit.py`, `progress.py` and `committed.py` its steps. The
mutations themselves live with their concepts (api/okrs, api/backlog, api/rankings, …).
"""
