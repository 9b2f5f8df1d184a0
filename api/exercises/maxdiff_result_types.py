"""GraphQL types of MaxDiff results: per-item figures and how the utilities were estimated."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from okrank.api.graphql.rows import from_detail
from okrank.domain.exercises.methods.maxdiff_aggregate import Estimator


@strawberry.enum(description="How MaxDiff utilities were estimated.")
class MaxDiffEstimator(Enum):
    MAXIMUM_LIKELIHOOD = strawberry.enum_value(
        Estimator.MAXIMUM_LIKELIHOOD,
        description="Maximum likelihood of the maxdiff logit, converged (no penalty).",
    )
    FIRTH = strawberry.enum_value(
        Estimator.FIRTH,
        description="Firth's penalised likelihood, used only when the maximum-likelihood "
        "estimate does not exist (an item, or group, always preferred or always beaten); the "
        "affected items carry a `separation` message.",
    )


@strawberry.type(description="A 95% interval.")
class Interval:
    low: float = strawberry.field(description="2.5th percentile.")
    high: float = strawberry.field(description="97.5th percentile.")

    @classmethod
    def of(cls, pair: list[float] | None) -> Interval | None:
        return None if pair is None else cls(low=pair[0], high=pair[1])


@strawberry.type(description="A 95% interval of ranks (1 = first).")
class RankInterval:
    best: int = strawberry.field(description="The best rank within the interval.")
    worst: int = strawberry.field(description="The worst rank within the interval.")

    @classmethod
    def of(cls, pair: list[int] | None) -> RankInterval | None:
        return None if pair is None else cls(best=pair[0], worst=pair[1])


# The figures of MaxDiffItemResult that rows stored before them lack, and what they read as.
ITEM_FIGURES_ADDED_LATER: dict[str, Any] = {
    "reference_utility": 0.0,
    "reference_standard_error": 0.0,
    "analytical_standard_error": 0.0,
    "analytical_choice_share": 0.0,
    "analytical_corrected": False,
    "separation": None,
    "ahead_of_next": None,
    "respondents_to_separate": None,
    "anchored_utility": None,
    "anchored_standard_error": None,
    "matters_at_all": None,
}


@strawberry.type(description="MaxDiff figures of one item.")
class MaxDiffItemResult:
    shown: int = strawberry.field(description="Times shown.")
    best: int = strawberry.field(description="Times chosen best.")
    worst: int = strawberry.field(description="Times chosen worst.")
    counting_score: float = strawberry.field(description="(best − worst) / shown.")
    utility: float = strawberry.field(
        description="Maxdiff-logit utility, centred on 0 over the items shown."
    )
    standard_error: float = strawberry.field(
        description="Standard error of the centred utility (smaller than the reference-coded "
        "one: it spreads the reference's own uncertainty over every item)."
    )
    reference_utility: float = strawberry.field(
        description="Utility minus the reference item's (see `MaxDiffFit.referenceItem`), as "
        "R's clogit, support.BWS and Sawtooth's aggregate logit report it."
    )
    reference_standard_error: float = strawberry.field(
        description="Standard error of `referenceUtility` (0 for the reference item), the one "
        "R and Sawtooth users compare against."
    )
    analytical_utility: float = strawberry.field(
        description="Lipovetsky & Conklin (2014) closed form as bwsTools computes it: "
        "ln(p / (1 − p)), p = (shown − worst + best) / (2 shown); not centred."
    )
    analytical_standard_error: float = strawberry.field(
        description="Closed-form standard error sqrt(p(1 − p) / (2 shown)) / (p(1 − p))."
    )
    analytical_choice_share: float = strawberry.field(
        description="Closed-form choice share, e^b / Σ e^b over the items shown (0–1)."
    )
    analytical_corrected: bool = strawberry.field(
        description="The item was chosen best (or worst) every time it was shown, so the closed "
        "form is infinite; half a choice was added either way (p = (x + ½) / (2 shown + 1))."
    )
    separation: str | None = strawberry.field(
        description="Why this item's maximum-likelihood utility does not exist (its utility is "
        "then Firth's estimate); null when it does."
    )
    share: float = strawberry.field(description="Share of preference, 0–100.")
    utility_interval: Interval | None = strawberry.field(
        description="95% bootstrap interval of `utility` (resampling respondents); null with a "
        "single respondent (nothing to resample)."
    )
    share_interval: Interval | None = strawberry.field(
        description="95% bootstrap interval of `share`."
    )
    rank_interval: RankInterval | None = strawberry.field(
        description="95% bootstrap interval of the item's rank."
    )
    ahead_of_next: float | None = strawberry.field(
        description="Share of bootstrap replicates in which this item stays ahead of the next "
        "ranked one (0–1); null for the last, and with a single respondent."
    )
    respondents_to_separate: int | None = strawberry.field(
        description="Respondents that would make the order with the next item hold in 95% of "
        "replicates, if the gap stayed as it is; null when it already does (or for the last)."
    )
    anchored_utility: float | None = strawberry.field(
        description="Anchored MaxDiff: utility relative to the threshold “important at all” "
        "(0), from the maxdiff answers and the threshold answers fitted together (Louviere's "
        "dual response: the threshold as one more alternative of each set); null without "
        "threshold answers or when they do not bound it (see `MaxDiffFit.anchorMessage`)."
    )
    anchored_standard_error: float | None = strawberry.field(
        description="Standard error of `anchoredUtility`."
    )
    matters_at_all: bool | None = strawberry.field(
        description="Anchored MaxDiff: the item is above the threshold (`anchoredUtility` > "
        "0); null when there is no anchored utility."
    )

    @classmethod
    def from_detail(cls, d: dict[str, Any]) -> MaxDiffItemResult:
        """Rows stored before these figures existed read them as 0 / false / null."""
        return from_detail(
            cls,
            d,
            missing=ITEM_FIGURES_ADDED_LATER,
            utility_interval=Interval.of(d.get("utilityInterval")),
            share_interval=Interval.of(d.get("shareInterval")),
            rank_interval=RankInterval.of(d.get("rankInterval")),
        )


@strawberry.type(description="How a MaxDiff result's utilities were estimated.")
class MaxDiffFit:
    estimator: MaxDiffEstimator = strawberry.field(description="The estimator used.")
    log_likelihood: float = strawberry.field(
        description="Log-likelihood of the maxdiff logit at the estimate (unpenalised)."
    )
    responses: int = strawberry.field(description="Answers (sets) the fit used.")
    reference_item_id: strawberry.ID = strawberry.field(
        description="The item whose reference-coded utility is 0 (the last candidate shown)."
    )
    confidence: str | None = strawberry.field(
        description="How sure the ranking is, in plain words (tiers of ranks whose order holds "
        "in 95% of bootstrap replicates)."
    )
    bootstrap_replicates: int = strawberry.field(
        description="Bootstrap replicates behind the intervals (seeded: the same every time)."
    )
    anchor_answers: int = strawberry.field(
        description="Anchored MaxDiff: answers to “are any of these important at all?” used "
        "(0 when the question was not asked)."
    )
    anchor_message: str | None = strawberry.field(
        description="Why there are no anchored utilities although threshold answers exist "
        "(e.g. every answer was yes); null otherwise."
    )

    @classmethod
    def from_summary(
        cls, s: dict[str, Any], item_id: Callable[[UUID], strawberry.ID]
    ) -> MaxDiffFit | None:
        if "estimator" not in s:
            return None  # no answers, or stored before the fit was described
        anchor = s.get("anchor", {})
        return from_detail(
            cls,
            s,
            missing={"confidence": None, "bootstrap_replicates": 0},
            estimator=MaxDiffEstimator(s["estimator"]),
            reference_item_id=item_id(UUID(s["referenceItem"])),
            anchor_answers=anchor.get("answers", 0),
            anchor_message=anchor.get("message"),
        )


@strawberry.type(
    description="MaxDiff: do respondents differ beyond the sampling noise? A score test of the "
    "aggregate utilities against each respondent's answers (χ²)."
)
class PreferenceHeterogeneity:
    statistic: float = strawberry.field(description="Σ over respondents of UᵀI⁺U.")
    degrees_of_freedom: int = strawberry.field(description="Degrees of freedom of the χ².")
    p_value: float = strawberry.field(
        description="Chance of a statistic this large if everyone shared the same utilities."
    )
    detected: bool = strawberry.field(description="p-value below 0.05.")
    spread_estimate: float = strawberry.field(
        description="The empirical-Bayes spread σ as estimated, before the test (biased upward "
        "near 0: about 0.3 for respondents who do not differ at all)."
    )

    @classmethod
    def from_summary(cls, s: dict[str, Any]) -> PreferenceHeterogeneity | None:
        h = s.get("heterogeneity")
        if h is None:
            return None
        return from_detail(cls, h, spread_estimate=s["preferenceSpreadEstimate"])


@strawberry.enum(description="A reason to doubt a MaxDiff respondent's answers.")
class ResponseQualityFlag(Enum):
    NO_BETTER_THAN_CHANCE = strawberry.enum_value(
        "noBetterThanChance", description="Answers fit everyone's utilities no better than chance."
    )
    STRAIGHTLINER = strawberry.enum_value(
        "straightliner", description="Best (or worst) always in the same position."
    )
    SPEEDER = strawberry.enum_value("speeder", description="Far faster than the median respondent.")


@strawberry.type(
    description="MaxDiff: one respondent's response quality. RLH (root likelihood) is the "
    "geometric mean of the model's probability of each of their answers; a random answer to a "
    "set of k items has 1 / (k(k − 1))."
)
class RespondentQuality:
    answers: int = strawberry.field(description="Sets answered.")
    rlh: float = strawberry.field(description="RLH under their own utilities.")
    aggregate_rlh: float = strawberry.field(description="RLH under everyone's utilities.")
    chance_rlh: float = strawberry.field(description="RLH of answering at random.")
    no_better_than_chance: bool = strawberry.field(
        description="Aggregate RLH at or below chance: answers agree with everyone's no more "
        "than random ones would (a candidate for exclusion)."
    )
    straightliner: bool = strawberry.field(
        description="Best (or worst) always in the same position of the set, over 4+ sets."
    )
    speeder: bool = strawberry.field(
        description="Took less than a third of the median duration (compared only when 5 or "
        "more respondents have a duration)."
    )
    duration_seconds: float | None = strawberry.field(
        description="Seconds from their first ballot to their last (null for a single ballot), "
        "or the import's `duration` column."
    )
    flags: list[ResponseQualityFlag] = strawberry.field(
        description="Every quality flag raised, in one list."
    )

    @classmethod
    def of(cls, q: dict[str, Any] | None) -> RespondentQuality | None:
        if not q:
            return None
        flags = [f for f in ResponseQualityFlag if q.get(f.value, False)]
        missing = {"speeder": False, "duration_seconds": None}
        return from_detail(cls, q, missing=missing, flags=flags)


@strawberry.type(description="MaxDiff: how many respondents' answers look unreliable.")
class ResponseQualitySummary:
    respondents: int = strawberry.field(description="Respondents assessed.")
    no_better_than_chance: int = strawberry.field(
        description="Respondents whose answers fit everyone's utilities no better than chance."
    )
    straightliners: int = strawberry.field(description="Respondents who straightlined.")
    speeders: int = strawberry.field(description="Respondents flagged as speeders.")

    @classmethod
    def of(cls, q: dict[str, Any] | None) -> ResponseQualitySummary | None:
        if not q:
            return None
        return from_detail(cls, q, missing={"speeders": 0})
