"""The quarterly review through GraphQL (domain.reviews)."""
