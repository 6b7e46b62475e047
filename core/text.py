"""Name conversions between Python's snake_case and GraphQL's camelCase."""

import re

_UPPER = re.compile(r"(?<!^)(?=[A-Z])")


def to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_snake(name: str) -> str:
    return _UPPER.sub("_", name).lower()


def quoted(value: str, limit: int = 80) -> str:
    """``value`` quoted for an error message, cut to ``limit`` characters."""
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + f"… ({len(value)} characters)"
