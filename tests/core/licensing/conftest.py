from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from core.licensing import (
    Edition,
    LicensePayload,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign_license,
)
from core.licensing.signing import sign_payload

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def keypair_pem() -> tuple[str, str]:
    return generate_keypair()


@pytest.fixture(scope="session")
def private_key(keypair_pem: tuple[str, str]) -> Ed25519PrivateKey:
    return load_private_key(keypair_pem[0])


@pytest.fixture(scope="session")
def public_key(keypair_pem: tuple[str, str]) -> Ed25519PublicKey:
    return load_public_key(keypair_pem[1])


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def payload() -> LicensePayload:
    return LicensePayload(
        license_id="lic-0001",
        licensee="Example GmbH",
        edition=Edition.PRO,
        features=("eas", "twostep"),
        mailbox_cap=500,
        issued_at=datetime(2026, 1, 1, tzinfo=UTC),
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )


@pytest.fixture
def license_text(payload: LicensePayload, private_key: Ed25519PrivateKey) -> str:
    return sign_license(payload, private_key)


@pytest.fixture
def sign_raw(
    payload: LicensePayload, private_key: Ed25519PrivateKey
) -> Callable[..., str]:
    """Sign the valid payload with some fields replaced, unvalidated."""

    def sign(**changes: Any) -> str:
        raw = payload.model_dump(mode="json") | changes
        return sign_payload(raw, private_key)

    return sign
