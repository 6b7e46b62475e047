"""Defaults templates and propagation over GraphQL."""
