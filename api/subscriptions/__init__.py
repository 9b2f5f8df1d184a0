"""Subscriptions: live ranking changes over WebSocket, resumable from a cursor."""
