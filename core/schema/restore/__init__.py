"""Restore and disk usage: mutations that start restore and recount jobs."""
