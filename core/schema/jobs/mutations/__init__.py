"""Mutations on jobs, one module each."""
