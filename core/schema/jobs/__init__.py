"""Jobs: their type, the list, cancelling one, and watching one progress."""
