"""GraphQL for rankings: ranking entries, alignment tiers and multipliers, the tag history."""
