"""Capacity planning: a product-level plan sharing capacity between objectives."""
