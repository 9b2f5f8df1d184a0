"""Instructions per stored-event decode: the library's JSON transcoder beside okrank's, which
reads NUL and lone surrogates as U+FFFD (domain.storable_text), for a clean event and for one
holding a NUL. Counted under valgrind's callgrind (wall-clock on shared machines is noise): each
case runs `--decodes` decodes and, separately, none; the difference divided by the count is the
cost of one decode.

Run: .venv/bin/python -m bench.event_decode [--decodes 10000]
Needs valgrind (Debian package `valgrind`). A run takes about half a minute.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from okrank.domain.storable_text import StorableTextTranscoder

TRANSCODERS = {"library": JSONTranscoder, "storable": StorableTextTranscoder}
STATE = {
    "originator_id": UUID(int=7),
    "originator_version": 3,
    "timestamp": datetime(2026, 1, 1, tzinfo=UTC),
    "workspace": "acme",
    "title": "Onboarding checklist for new teams",
    "description": "x" * 200,
    "kind": "FEATURE",
    "actor": "alice@example",
}


def decode_loop(name: str, nul: bool, n: int) -> None:
    transcoder = TRANSCODERS[name]()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    data = transcoder.encode({**STATE, "title": "evil\x00title"} if nul else STATE)
    for _ in range(n):
        transcoder.decode(data)


def instructions(name: str, nul: bool, n: int) -> int:
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    out = subprocess.run(
        [
            *valgrind,
            sys.executable,
            "-m",
            "bench.event_decode",
            "--loop",
            name,
            str(int(nul)),
            str(n),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decodes", type=int, default=10_000)
    parser.add_argument("--loop", nargs=3, help=argparse.SUPPRESS)  # the counted child
    args = parser.parse_args()
    if args.loop:
        name, nul, n = args.loop
        decode_loop(name, nul == "1", int(n))
        return
    for name, nul in (("library", False), ("storable", False), ("storable", True)):
        per = (instructions(name, nul, args.decodes) - instructions(name, nul, 0)) / args.decodes
        print(f"{name} transcoder, {'event with NUL' if nul else 'clean event'}: {per:,.0f}")


if __name__ == "__main__":
    main()
