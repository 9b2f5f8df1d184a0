"""Per-item MaxDiff figures: recovery of known utilities, and real survey data."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
from scipy.stats import spearmanr

from okrank.domain.exercises.methods.maxdiff_analysis import analyse
from okrank.domain.exercises.methods.maxdiff_response import Response
from tests.support.maxdiff_simulation import simulate
from tests.support.paths import ROOT

# Real surveys kept in the repository, with their sources and licences: tests/data/maxdiff/.
DATA = ROOT / "tests" / "data" / "maxdiff"


def test_estimates_recover_known_utilities():
    true = np.linspace(-2, 2, 12)
    results = analyse(simulate(true, 200, seed=11), 12)
    utilities = [r.utility for r in results]
    assert spearmanr(utilities, true).statistic > 0.9
    assert spearmanr([r.analytical_utility for r in results], true).statistic > 0.9
    assert abs(sum(utilities)) < 1e-9 and abs(sum(r.share for r in results) - 100) < 1e-9
    assert sorted(r.rank for r in results) == list(range(1, 13))
    assert results[int(np.argmax(true))].rank == 1
    assert all(0 < r.standard_error < 1 for r in results)


def load_vdata() -> tuple[list[Response], list[str]]:
    sets: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: {"shown": []})
    with open(DATA / "issues-survey-vdata.csv") as f:
        for row in csv.DictReader(f):
            entry = sets[(row["id"], row["block"])]
            entry["shown"].append(row["issue"])
            if float(row["value"]) == 1:
                entry["best"] = row["issue"]
            elif float(row["value"]) == -1:
                entry["worst"] = row["issue"]
    items = sorted({i for e in sets.values() for i in e["shown"]})
    index = {name: n for n, name in enumerate(items)}
    responses = [
        Response(rid, tuple(index[i] for i in e["shown"]), index[e["best"]], index[e["worst"]])
        for (rid, _), e in sets.items()
    ]
    return responses, items


def test_real_survey_issues_vdata():
    responses, items = load_vdata()
    assert len(items) == 13 and len(responses) == 350 * 13
    results = analyse(responses, len(items))
    assert all(r.shown == 4 * 350 for r in results)
    assert sum(r.best for r in results) == sum(r.worst for r in results) == 350 * 13
    counting = [r.counting_score for r in results]
    assert spearmanr([r.utility for r in results], counting).statistic > 0.95
    assert spearmanr([r.analytical_utility for r in results], counting).statistic > 0.95
    top = min(results, key=lambda r: r.rank)
    assert top.counting_score == max(counting)


def test_real_survey_fruit():
    names = ["Apple", "Orange", "Grapes", "Banana", "Peach", "Melon", "Pear"]
    with open(DATA / "fruit-design.csv") as f:
        design = [tuple(int(v) - 1 for v in row.values()) for row in csv.DictReader(f)]
    responses = []
    with open(DATA / "fruit-responses.csv") as f:
        for row in csv.DictReader(f):
            for q, shown in enumerate(design, start=1):
                best = shown[int(row[f"B{q}"]) - 1]
                worst = shown[int(row[f"W{q}"]) - 1]
                responses.append(Response(row["ID"], shown, best, worst))
    results = analyse(responses, len(names))
    assert len(responses) == 100 * 7 and all(r.shown == 400 for r in results)
    counting = [r.counting_score for r in results]
    assert spearmanr([r.utility for r in results], counting).statistic > 0.95
