"""The ranking enums as GraphQL sees them: the domain's own enums, each mapped here once."""

from __future__ import annotations

import strawberry
from strawberry.types.base import StrawberryOptional
from strawberry.types.enum import EnumValue, StrawberryEnumDefinition

from okrank.domain.rankings.scoring import TAG_TIERS, Method, Tier

# Stored tier -> domain member, for rows read by the hundred (a dict lookup; calling the enum
# class costs ~1 µs).
TIERS = {t.value: t for t in Tier}

AlignmentTierEnum = strawberry.enum(
    Tier,
    name="AlignmentTier",
    description="How an item is aligned in a ranking: DIRECT moves a key-result metric, INDIRECT "
    "supports one, UNTAGGED has no tag (in the product ranking: no tag to an ACTIVE objective).",
)
# A tag's tier is the same domain `Tier` limited to the tiers a tag may have: GraphQL offers
# only those values, parses them to `Tier` members and serialises `Tier` members back.
TagTierEnum = StrawberryEnumDefinition(
    wrapped_cls=Tier,
    name="TagTier",
    values=[EnumValue(t.name, t.value) for t in TAG_TIERS],
    description="A tag's tier: DIRECT moves a key-result metric, INDIRECT supports it.",
)
OptionalTagTier = StrawberryOptional(TagTierEnum)  # `TagTier | None` (a definition takes no `|`)
RankingMethodEnum = strawberry.enum(
    Method,
    name="RankingMethod",
    description="The base score: RICE = reach × impact × confidence / effort; WSJF = (business "
    "value + time criticality + risk reduction) / job size.",
)
