"""Themes and the roadmap in GraphQL."""
