"""What authenticating one request costs, by kind of token, in-process (no HTTP): a remembered
okrank JWT; a service token remembered (dropped when its revocation is NOTIFYed) or looked up
(one indexed PostgreSQL statement); a first-seen RS256/ES256 provider token (signature check,
JWKS from memory).

Run: .venv/bin/python -m bench.auth_cost [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg

from bench.common import SECRET, Database
from okrank.api.auth import Role, issue_token
from okrank.api.auth.authenticator import Authenticator
from okrank.api.auth.service_tokens import new_token, token_hash
from okrank.api.auth.settings import IdentitySettings
from tests.support.identity_provider import AUDIENCE, ISSUER, SigningKey


async def _per_call_us(n: int, call: Callable[[int], Awaitable[object]]) -> float:
    samples = []
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


async def main(requests: int, db: Database, jwks_path: str, keys: list[SigningKey]) -> None:
    settings = IdentitySettings.from_env(
        {
            "OKRANK_JWKS_FILE": jwks_path,
            "OKRANK_JWT_ISSUER": ISSUER,
            "OKRANK_JWT_AUDIENCE": AUDIENCE,
        }
    )
    auth = Authenticator(SECRET, settings)
    pool = await asyncpg.create_pool(db.url, min_size=2, max_size=4)
    tokens = auth.service_tokens
    await tokens.start(pool, db.url)
    service = new_token()
    await pool.execute(
        "INSERT INTO service_tokens (id, workspace, name, roles, token_hash, created_at,"
        " created_by) VALUES ($1, 'bench', 'bench', $2, $3, now(), 'bench')",
        uuid.uuid4(),
        [Role.MEMBER.value],
        token_hash(service),
    )
    deadline = time.monotonic() + 30
    while not tokens._listening and time.monotonic() < deadline:  # remembered only then
        await asyncio.sleep(0.01)

    async def lookup(i: int) -> object:
        tokens._cache.clear()  # as on first sight, or after CACHE_SECONDS
        return await auth.authenticate(service)

    jwt_token = issue_token(SECRET, "bench", "bench", [Role.ADMIN])
    provider = {k.alg: [k.token(sub=f"user-{i}") for i in range(requests)] for k in keys}
    try:
        figures = {
            "okrank JWT, remembered": await _per_call_us(
                requests, lambda i: auth.authenticate(jwt_token)
            ),
            "service token, remembered": await _per_call_us(
                requests, lambda i: auth.authenticate(service)
            ),
            "service token, looked up": await _per_call_us(requests, lookup),
        }
        for alg, tokens in provider.items():
            figures[f"{alg} provider token, first seen"] = await _per_call_us(
                requests, lambda i, t=tokens: auth.authenticate(t[i])
            )
        for name, us in figures.items():
            print(f"{name:36s} {us:8.1f} µs median over {requests}")
    finally:
        await auth.service_tokens.stop()
        await pool.close()


if __name__ == "__main__":
    import json
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    keys = [SigningKey("b-rsa", "RSA"), SigningKey("b-ec", "EC")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jwks.json"
        path.write_text(json.dumps({"keys": [k.jwk for k in keys]}))
        database = Database()
        try:
            asyncio.run(main(args.requests, database, str(path), keys))
        finally:
            database.close()
