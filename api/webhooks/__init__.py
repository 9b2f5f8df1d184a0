"""Webhooks: registering endpoints, which addresses they may reach, and delivering ranking changes
to them.
"""
