"""Mutations that start messaging and export jobs, one module each."""
