"""Mutations on notifications, one module each."""
