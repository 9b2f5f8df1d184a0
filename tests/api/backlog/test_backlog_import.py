"""importBacklogItems and `okrank import backlog`: a Jira export (tests/data/backlog/) becomes
backlog items with its kinds, scores and tags; importing it again creates nothing; a changed row
updates its item; a bad file imports nothing and lists every bad line."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from okrank.api.auth import Role
from okrank.api.graphql.ids import to_global_id
from okrank.domain.backlog.tracker_import import backlog_item_id
from tests.support.builders import objective
from tests.support.paths import ROOT

JIRA = ROOT / "tests" / "data" / "backlog" / "jira_export.csv"
JIRA_KEYS = ["OKR-101", "OKR-102", "OKR-103", "OKR-104", "OKR-105"]
RESULT = (
    "... on ImportBacklogItemsSuccess { created updated unchanged }"
    " ... on CsvImportError { omitted rows { line message } }"
)
ITEMS = (
    "query { backlogItems(first: 100) { edges { node { id title description kind riceScore"
    " externalKey labels"
    " tags { tier reason objective { id } } } } } }"
)


def import_csv(gql: Any, text: str, mapping: dict[str, str] | None = None) -> dict[str, Any]:
    return gql.mutate("importBacklogItems", {"csv": text, "mapping": mapping}, RESULT)


def items(gql: Any) -> dict[str, dict[str, Any]]:
    """The workspace's items by their external key (the id is derived from it)."""
    by_id = {e["node"]["id"]: e["node"] for e in gql.execute(ITEMS)["backlogItems"]["edges"]}
    keyed = {}
    for gid, node in by_id.items():
        for key in [*JIRA_KEYS, "A-1", "A-2", "L-1", "T-1", "T-2"]:
            if gid == to_global_id("BacklogItem", backlog_item_id(gql.workspace, key)):
                keyed[key] = node
    assert len(keyed) == len(by_id), "an item not identified by (workspace, key)"
    return keyed


def test_a_jira_export_imports_its_items_with_kinds_and_scores(gql):
    r = import_csv(gql, JIRA.read_text())
    assert r == {
        "__typename": "ImportBacklogItemsSuccess",
        "created": 5,
        "updated": 0,
        "unchanged": 0,
    }
    got = items(gql)
    assert sorted(got) == JIRA_KEYS
    assert {k: v["kind"] for k, v in got.items()} == {
        "OKR-101": "FEATURE",  # Story
        "OKR-102": "FEATURE",  # New Feature
        "OKR-103": "BUG",
        "OKR-104": "TECH_DEBT",
        "OKR-105": "DISCOVERY",  # Spike
    }
    assert (
        got["OKR-101"]["description"] == "Users wait 4 s for results today.\nTarget: p95 under 1 s."
    )
    assert got["OKR-101"]["riceScore"] == 5000 * 2 * 0.8 / 3
    assert got["OKR-103"]["riceScore"] is None
    assert {k: v["externalKey"] for k, v in got.items()} == {k: k for k in JIRA_KEYS}
    assert got["OKR-101"]["labels"] == ["performance", "search"]  # Jira's repeated columns
    assert got["OKR-104"]["labels"] == []


def test_importing_the_same_file_again_creates_nothing(gql):
    text = JIRA.read_text()
    assert import_csv(gql, text)["created"] == 5
    again = import_csv(gql, text)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert len(items(gql)) == 5


def test_a_changed_row_updates_its_item_and_leaves_the_others(gql):
    text = JIRA.read_text()
    import_csv(gql, text)
    changed = text.replace("Export a ranking to CSV", "Export a ranking to CSV and XLSX")
    r = import_csv(gql, changed)
    assert (r["created"], r["updated"], r["unchanged"]) == (0, 1, 4)
    assert items(gql)["OKR-102"]["title"] == "Export a ranking to CSV and XLSX"
    relabelled = changed.replace(",export,,", ",export,csv,")
    r = import_csv(gql, relabelled)
    assert (r["created"], r["updated"], r["unchanged"]) == (0, 1, 4)
    assert items(gql)["OKR-102"]["labels"] == ["export", "csv"]


def test_a_bad_file_lists_every_bad_line_and_imports_nothing(gql):
    text = (
        "Issue key,Summary,Issue Type,Reach,Impact,Confidence,Effort\n"
        "A-1,Fine,Story,,,,\n"
        "A-2,Bad impact,Story,100,7,0.5,1\n"
        "A-3,,Bug,,,,\n"
        "A-4,Odd kind,Saga,,,,\n"
        "A-1,Repeated key,Story,,,,\n"
        "A-5,Half a score,Story,100,,,\n"
    )
    r = import_csv(gql, text)
    assert r["__typename"] == "CsvImportError", r
    lines = {row["line"]: row["message"] for row in r["rows"]}
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "impact" in lines[3]
    assert "title" in lines[4]
    assert "Saga" in lines[5]
    assert "line 2" in lines[6]
    assert "missing impact, confidence, effort" in lines[7]
    assert items(gql) == {}


def test_a_mapping_names_the_columns_of_another_tracker(gql):
    text = "Ticket,Name,Category,Notes\nL-1,Dark mode,Improvement,asked for by many\n"
    r = import_csv(
        gql, text, {"key": "Ticket", "title": "Name", "kind": "Category", "description": "Notes"}
    )
    assert r["created"] == 1, r
    item = items(gql)["L-1"]
    assert (item["title"], item["kind"], item["description"]) == (
        "Dark mode",
        "FEATURE",
        "asked for by many",
    )
    # Without the mapping the file has no key or title column: refused, naming both.
    refused = import_csv(gql, text)
    assert refused["__typename"] == "CsvImportError"
    assert "key" in refused["rows"][0]["message"] and "title" in refused["rows"][0]["message"]


def test_a_nul_in_a_cell_is_refused_and_nothing_is_imported(gql):
    r = import_csv(gql, "Issue key,Summary\nA-1,Fine\nA-2,bad\x00title\n")
    assert r["__typename"] == "ValidationError", r
    assert "U+0000" in r["message"]
    assert items(gql) == {}


def test_an_objective_column_tags_each_item_and_a_closed_one_is_a_bad_row(gql):
    o = objective(gql)
    closed = objective(gql, "Old goal")
    gql.mutate("closeObjective", {"objectiveId": closed["id"]}, "__typename")
    text = (
        "Issue key,Summary,Objective,Tier,Reason\n"
        f"T-1,Faster search,{o['id']},INDIRECT,speeds up activation\n"
        f"T-2,Old work,{closed['id']},,\n"
    )
    r = import_csv(gql, text)
    assert r["__typename"] == "CsvImportError", r
    assert [row["line"] for row in r["rows"]] == [3]
    ok = import_csv(gql, text.split("T-2")[0])
    assert ok["created"] == 1, ok
    tags = items(gql)["T-1"]["tags"]
    assert tags == [
        {"tier": "INDIRECT", "reason": "speeds up activation", "objective": {"id": o["id"]}}
    ]
    assert import_csv(gql, text.split("T-2")[0])["unchanged"] == 1  # tagged once, not twice


def test_a_stakeholder_cannot_import(client_factory):
    stakeholder = client_factory(roles=(Role.STAKEHOLDER,))
    r = import_csv(stakeholder, JIRA.read_text())
    assert r["__typename"] == "PermissionDeniedError"


def test_the_import_route_runs_the_backlog_import(gql):
    mutation = (
        "mutation($input: ImportBacklogItemsInput!) { importBacklogItems(input: $input) {"
        f" __typename {RESULT} }} }}"
    )
    body = {"query": mutation, "variables": {"input": {"csv": JIRA.read_text()}}}
    r = gql.http.post("/graphql/import", json=body)
    assert r.status_code == 200, r.text[:500]
    assert r.json()["data"]["importBacklogItems"]["created"] == 5


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "okrank.api.cli", "import", "backlog", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_imports_a_file_once_and_lists_the_bad_lines_of_another(
    gql, database_url, tmp_path
):
    done = _cli(database_url, str(JIRA), "--workspace", gql.workspace)
    assert done.returncode == 0, done.stderr
    assert "5 created, 0 updated, 0 unchanged" in done.stdout
    assert "importing jira_export.csv" in done.stderr  # the tqdm bar
    again = _cli(database_url, str(JIRA), "--workspace", gql.workspace)
    assert "0 created, 0 updated, 5 unchanged" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("Ticket,Name\nB-1,\nB-2,fine\nB-3,\n")
    refused = _cli(
        database_url, str(bad), "--workspace", gql.workspace, "--mapping", "key=Ticket,title=Name"
    )
    assert refused.returncode == 1
    assert "nothing imported" in refused.stderr
    assert "line 2:" in refused.stderr and "line 4:" in refused.stderr
    assert sorted(items(gql)) == JIRA_KEYS  # the server projected what the CLI wrote
