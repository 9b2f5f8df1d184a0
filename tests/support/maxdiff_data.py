"""The real MaxDiff surveys kept in tests/data/maxdiff, as okrank's CSV import reads them."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from okrank.domain.exercises.methods.maxdiff_csv import (
    ImportedResponse,
)
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.paths import ROOT

# Real surveys kept in the repository, with their sources and licences: tests/data/maxdiff/.
DATA = ROOT / "tests" / "data" / "maxdiff"


FRUIT = ["Apple", "Orange", "Grapes", "Banana", "Peach", "Melon", "Pear"]


def to_csv(rows: list[dict[str, str]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_responses(imported: list[ImportedResponse], keys: list) -> list[Response]:
    index = {key: n for n, key in enumerate(keys)}
    return [
        Response(r.respondent, tuple(index[k] for k in r.shown), index[r.best], index[r.worst])
        for r in imported
    ]


def vdata_csv() -> tuple[str, list[str]]:
    """The bwsTools survey (long format, one row per item shown) as one row per set."""
    sets: dict[tuple[str, int], dict] = defaultdict(lambda: {"shown": []})
    with open(DATA / "issues-survey-vdata.csv") as f:
        for row in csv.DictReader(f):
            entry = sets[(str(int(float(row["id"]))), int(float(row["block"])))]
            entry["shown"].append(row["issue"])
            value = float(row["value"])
            if value:
                entry["best" if value == 1 else "worst"] = row["issue"]
    rows = [
        {"Respondent": rid, "Set": str(block), "Items": "|".join(e["shown"])}
        | {"best": e["best"], "worst": e["worst"]}
        for (rid, block), e in sets.items()
    ]
    items = sorted({i for e in sets.values() for i in e["shown"]})
    # Capitalised header in another order: header names are case-insensitive, order free.
    return to_csv(rows, ["Set", "Respondent", "Items", "best", "worst"]), items


def fruit_csv() -> tuple[str, list[tuple[int, ...]]]:
    """support.BWS's fruit data (best/worst as positions within each set) as labelled rows,
    with a made-up segment per respondent to exercise that column."""
    with open(DATA / "fruit-design.csv") as f:
        design = [tuple(int(v) - 1 for v in row.values()) for row in csv.DictReader(f)]
    rows = []
    with open(DATA / "fruit-responses.csv") as f:
        for row in csv.DictReader(f):
            segment = "odd" if int(row["ID"]) % 2 else "even"
            for q, shown in enumerate(design, start=1):
                rows.append(
                    {
                        "respondent": row["ID"],
                        "set": str(q),
                        "items": " | ".join(FRUIT[i] for i in shown),
                        "best": FRUIT[shown[int(row[f"B{q}"]) - 1]],
                        "worst": FRUIT[shown[int(row[f"W{q}"]) - 1]],
                        "segment": segment,
                    }
                )
    return to_csv(rows, ["respondent", "set", "items", "best", "worst", "segment"]), design
