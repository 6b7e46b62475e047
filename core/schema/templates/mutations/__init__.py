"""Mutations of the defaults templates, one module each."""
