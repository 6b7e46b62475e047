"""Mutations that restore users and folders from disk, one module each."""
