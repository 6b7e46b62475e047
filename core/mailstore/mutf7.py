"""IMAP's modified UTF-7 (RFC 3501, section 5.1.3) for folder names on disk.

Printable ASCII stands for itself except ``&``, written ``&-``; any other run
of characters is written ``&`` + base64 of its UTF-16BE form with ``,`` in
place of ``/`` and no padding + ``-``. The standard library has no codec for
it (the ``utf-7`` codec is the plain RFC 2152 variant).
"""

import base64
import re

_SHIFTED = re.compile(r"&([A-Za-z0-9+,]*)-")


def encode_mutf7(text: str) -> str:
    """Return ``text`` in modified UTF-7."""
    out: list[str] = []
    run: list[str] = []
    for char in text:
        if " " <= char <= "~":
            out.append(_shift(run))
            run.clear()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    out.append(_shift(run))
    return "".join(out)


def decode_mutf7(text: str) -> str:
    """Return the text ``text`` encodes; raise ValueError when it is malformed."""
    parts: list[str] = []
    position = 0
    for match in _SHIFTED.finditer(text):
        parts.append(_check_direct(text[position : match.start()]))
        parts.append(_unshift(match.group(1)))
        position = match.end()
    parts.append(_check_direct(text[position:]))
    return "".join(parts)


def _shift(run: list[str]) -> str:
    if not run:
        return ""
    raw = "".join(run).encode("utf-16-be")
    encoded = base64.b64encode(raw).rstrip(b"=").replace(b"/", b",")
    return "&" + encoded.decode("ascii") + "-"


def _unshift(encoded: str) -> str:
    if not encoded:
        return "&"
    padded = encoded.replace(",", "/") + "=" * (-len(encoded) % 4)
    return base64.b64decode(padded, validate=True).decode("utf-16-be")


def _check_direct(chunk: str) -> str:
    if "&" in chunk or any(not " " <= char <= "~" for char in chunk):
        raise ValueError(f"Not modified UTF-7: {chunk!r}.")
    return chunk
