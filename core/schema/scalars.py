"""Scalars beyond GraphQL's own, mapped in the schema's ``scalar_map``."""

from typing import NewType

import strawberry

BigInt = NewType("BigInt", int)

SCALAR_MAP = {
    BigInt: strawberry.scalar(
        name="BigInt",
        serialize=int,
        parse_value=int,
        description="A whole number beyond 32 bits, such as a size in bytes.",
    )
}
