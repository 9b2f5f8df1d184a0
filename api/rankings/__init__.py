"""GraphQL for rankings: ranking entries, alignment tiers and multipliers, and the tag history."""
