"""One tier enum: GraphQL's AlignmentTier and TagTier are the domain's `Tier`, mapped once."""

from __future__ import annotations

from okrank.api.graphql.schema import schema
from okrank.domain.rankings.scoring import TAG_TIERS, Tier


def test_graphql_tiers_wrap_the_domain_tier_and_a_tag_offers_only_tag_tiers():
    alignment = schema._schema.get_type("AlignmentTier")
    tag = schema._schema.get_type("TagTier")
    assert alignment.wrapped_cls is Tier and tag.wrapped_cls is Tier
    assert list(alignment.values) == [t.name for t in Tier]
    assert list(tag.values) == [t.name for t in TAG_TIERS] == ["DIRECT", "INDIRECT"]


def test_a_tag_tier_argument_parses_to_the_domain_tier_and_serialises_back():
    tag = schema._schema.get_type("TagTier")
    assert tag.parse_value("INDIRECT") is Tier.INDIRECT
    assert tag.serialize(Tier.DIRECT) == "DIRECT"
