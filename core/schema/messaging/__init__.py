"""Exports, mass email and notifications: mutations that start jobs."""
