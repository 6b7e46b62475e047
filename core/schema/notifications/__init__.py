"""The caller's notifications: the list, marking one read, and new ones pushed."""
