"""Directories that could not answer lately, so logins fail fast.

A directory that is down costs every login the connect or receive timeout;
once one login found it unavailable, the next ones within
``REMEMBER_SECONDS`` are refused at once, without network traffic. Kept
per process and per (domain, url): another url is asked at once.
"""

import threading
import time

REMEMBER_SECONDS = 30

_outages: dict[tuple[int, str], tuple[float, str]] = {}
_lock = threading.Lock()


def record_outage(domain_id: int, url: str, detail: str) -> None:
    """Remember that the directory at ``url`` could not answer, and why."""
    with _lock:
        _outages[(domain_id, url)] = (time.monotonic(), detail)


def recent_outage(domain_id: int, url: str) -> str | None:
    """Why the directory could not answer, if it failed lately; else None."""
    with _lock:
        seen = _outages.get((domain_id, url))
        if seen is None:
            return None
        if time.monotonic() - seen[0] < REMEMBER_SECONDS:
            return seen[1]
        del _outages[(domain_id, url)]
    return None


def forget_all() -> None:
    with _lock:
        _outages.clear()
