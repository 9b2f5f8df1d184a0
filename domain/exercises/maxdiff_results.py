"""MaxDiff results of an exercise: ballots and imported rows as responses over the current
candidates, the per-group figures (utilities, shares, bootstrap confidence, anchored utilities
when threshold answers exist) and each respondent's own utilities with the heterogeneity test
and response quality."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from okrank.domain.exercises.methods import maxdiff_bootstrap
from okrank.domain.exercises.methods.maxdiff_aggregate import Estimator
from okrank.domain.exercises.methods.maxdiff_analysis import analysis as maxdiff_analysis
from okrank.domain.exercises.methods.maxdiff_anchored import AnchoredFit, fit_anchored
from okrank.domain.exercises.methods.maxdiff_heterogeneity import heterogeneity_test
from okrank.domain.exercises.methods.maxdiff_individual import fit_individual
from okrank.domain.exercises.methods.maxdiff_quality import SPEEDER_FRACTION, respondent_quality
from okrank.domain.exercises.methods.maxdiff_response import Response
from okrank.domain.exercises.result_types import (
    GroupResults,
    ImportedAnswer,
    Participant,
    RespondentUtilities,
    StoredImportRow,
    ranked,
)


def imported_answers(imported: dict[str, Any], candidates: Sequence[UUID]) -> list[ImportedAnswer]:
    """(respondent, segment, shown, best, worst, threshold answer) of the imported rows still
    about candidates."""
    if not imported:
        return []
    items = [UUID(i) for i in imported["items"]]
    current = set(candidates)
    out = []
    for stored in imported["rows"]:
        r = StoredImportRow.of(stored)
        out.append(
            (
                r.respondent,
                r.segment,
                tuple(items[i] for i in r.shown if items[i] in current),
                items[r.best],
                items[r.worst],
                r.important,
            )
        )
    return [r for r in out if r[3] in current and r[4] in current]


def imported_durations(imported: dict[str, Any] | None) -> dict[str, float]:
    """Imported respondent ("import:" + name) → duration in seconds, where the file had one."""
    out = {}
    for stored in (imported or {}).get("rows", []):
        r = StoredImportRow.of(stored)
        if r.duration is not None:
            out[f"import:{r.respondent}"] = float(r.duration)
    return out


def respondent_utilities(
    candidates: Sequence[UUID],
    participants: Sequence[Participant],
    imported: Sequence[ImportedAnswer],
    imported_duration: dict[str, float] | None = None,
) -> tuple[dict[str, Any] | None, list[RespondentUtilities]]:
    """How much individuals differ beyond the sampling noise (the summary entries: the spread σ,
    0 unless the heterogeneity test detects a difference, and the test) and each respondent's
    utilities; (None, []) without answers."""
    responses = _maxdiff_responses(candidates, [p for p in participants if p.ballot], imported)
    if not responses or len(candidates) < 2:
        return None, []
    fit = fit_individual(responses, len(candidates))
    test = heterogeneity_test(responses, len(candidates), fit.aggregate)
    spread = {
        "preferenceSpread": float(fit.prior_sd) if test.detected else 0.0,
        "preferenceSpreadEstimate": float(fit.prior_sd),
        "heterogeneity": {
            "statistic": test.statistic,
            "degreesOfFreedom": test.degrees_of_freedom,
            "pValue": test.p_value,
            "detected": test.detected,
        },
    }
    durations = {p.subject: p.duration for p in participants if p.duration is not None}
    durations.update(imported_duration or {})
    quality = respondent_quality(
        responses, len(candidates), fit.utilities, fit.aggregate, durations
    )
    spread["responseQuality"] = {
        "respondents": len(quality),
        "noBetterThanChance": sum(q.no_better_than_chance for q in quality.values()),
        "straightliners": sum(q.straightliner for q in quality.values()),
        "speeders": sum(q.speeder for q in quality.values()),
        "speederFraction": SPEEDER_FRACTION,
    }
    segment = {p.subject: p.segment for p in participants}
    segment.update({f"import:{r[0]}": r[1] for r in imported})
    out = []
    for respondent in sorted(fit.utilities):
        u = fit.utilities[respondent]
        out.append(
            RespondentUtilities(
                respondent.removeprefix("import:"),
                segment.get(respondent, ""),
                {c: float(u[n]) for n, c in enumerate(candidates)},
                {
                    "answers": quality[respondent].answers,
                    "rlh": quality[respondent].rlh,
                    "aggregateRlh": quality[respondent].aggregate_rlh,
                    "chanceRlh": quality[respondent].chance_rlh,
                    "noBetterThanChance": quality[respondent].no_better_than_chance,
                    "straightliner": quality[respondent].straightliner,
                    "speeder": quality[respondent].speeder,
                    "durationSeconds": quality[respondent].duration,
                },
            )
        )
    return spread, out


def _maxdiff_responses(
    candidates: Sequence[UUID],
    voted: Sequence[Participant],
    imported: Sequence[ImportedAnswer],
) -> list[Response]:
    """Ballot answers and imported rows as responses over the current candidates."""
    index = {c: n for n, c in enumerate(candidates)}
    responses = []
    for p in voted:
        important = dict(p.ballot.get("anyImportant", []))  # anchored MaxDiff, by set
        for set_index, best, worst in p.ballot["answers"]:
            b, w = UUID(best), UUID(worst)
            shown = [UUID(i) for i in p.design[set_index] if UUID(i) in index]
            # A withdrawn candidate leaves the set; answers naming it no longer count.
            if b in index and w in index and len(shown) >= 3:
                responses.append(
                    Response(
                        p.subject,
                        tuple(index[i] for i in shown),
                        index[b],
                        index[w],
                        important.get(set_index),
                    )
                )
    for respondent, _segment, shown, b, w, said in imported:
        if len(shown) >= 3:
            responses.append(
                Response(
                    f"import:{respondent}", tuple(index[i] for i in shown), index[b], index[w], said
                )
            )
    return responses


def maxdiff_group(
    segment: str,
    candidates: Sequence[UUID],
    voted: Sequence[Participant],
    imported: Sequence[ImportedAnswer],
) -> GroupResults:
    responses = _maxdiff_responses(candidates, voted, imported)
    respondents = len({r.respondent for r in responses})
    if not responses or len(candidates) < 2:
        return GroupResults(segment, respondents, ranked(candidates, {}), {"responses": 0})
    analysis = maxdiff_analysis(responses, len(candidates))
    order = [r.item for r in sorted(analysis.items, key=lambda r: r.rank) if r.shown]
    sure = maxdiff_bootstrap.bootstrap(
        responses,
        len(candidates),
        analysis.fit.utilities,
        order,
        penalised=analysis.fit.estimator == Estimator.FIRTH,
    )
    anchored = fit_anchored(responses, len(candidates))
    scored = {}
    for r in analysis.items:
        if r.shown == 0:
            continue  # never shown (e.g. added late and nobody reached its sets yet)
        c = sure.items[r.item]
        scored[candidates[r.item]] = (
            r.share,
            {
                "shown": r.shown,
                "best": r.best,
                "worst": r.worst,
                "countingScore": r.counting_score,
                "utility": r.utility,
                "standardError": r.standard_error,
                "analyticalUtility": r.analytical_utility,
                "share": r.share,
                "referenceUtility": r.reference_utility,
                "referenceStandardError": r.reference_standard_error,
                "analyticalStandardError": r.analytical_standard_error,
                "analyticalChoiceShare": r.analytical_choice_share,
                "analyticalCorrected": r.analytical_corrected,
                "separation": r.separation,
                "utilityInterval": _listed(c.utility_interval),
                "shareInterval": _listed(c.share_interval),
                "rankInterval": _listed(c.rank_interval),
                "aheadOfNext": c.ahead_of_next,
                "respondentsToSeparate": c.respondents_to_separate,
                **_anchored_detail(anchored, r.item),
            },
            (r.rank,),
        )
    fit = analysis.fit
    summary = {
        "responses": len(responses),
        "estimator": fit.estimator,
        "logLikelihood": fit.log_likelihood,
        "referenceItem": str(candidates[fit.reference]),
        "confidence": sure.summary,
        "bootstrapReplicates": sure.replicates,
        "bootstrapSeed": sure.seed,
    }
    if anchored is not None:
        summary["anchor"] = {
            "answers": anchored.answers,
            "logLikelihood": anchored.log_likelihood,
            "message": anchored.message,
        }
    return GroupResults(segment, respondents, ranked(candidates, scored), summary)


def _listed(interval: tuple[Any, Any] | None) -> list[Any] | None:
    return None if interval is None else list(interval)


def _anchored_detail(anchored: AnchoredFit | None, item: int) -> dict[str, Any]:
    """An item's utility relative to the threshold and whether it matters at all (above it);
    nothing without threshold answers or when the anchored maximum does not exist."""
    if anchored is None or anchored.utilities is None or anchored.standard_errors is None:
        return {}
    utility = float(anchored.utilities[item])
    return {
        "anchoredUtility": utility,
        "anchoredStandardError": float(anchored.standard_errors[item]),
        "mattersAtAll": utility > 0,
    }
