"""Webhooks: registering endpoints, which addresses they may reach, and delivering ranking or OKR
changes to them.
"""
