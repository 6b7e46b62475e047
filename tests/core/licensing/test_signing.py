import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.licensing import (
    MAX_LICENSE_BYTES,
    LicenseEditionUnknown,
    LicenseErrorCode,
    LicenseForged,
    LicenseKeyInvalid,
    LicenseMalformed,
    load_license,
    load_public_key,
    sign_license,
)
from core.licensing.signing import sign_payload


def test_load_license_rejects_other_signing_key(payload, public_key, now):
    # given a license signed by a key that is not the vendor's
    text = sign_license(payload, Ed25519PrivateKey.generate())

    # when it is loaded with the vendor's public key
    with pytest.raises(LicenseForged) as caught:
        load_license(text, public_key, now=now)

    # then it is refused as forged
    assert caught.value.code is LicenseErrorCode.FORGED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mailbox_cap", 5000),
        ("mailbox_cap", None),
        ("edition", "enterprise"),
        ("features", ["eas", "twostep", "mapi_ews"]),
        ("expires_at", "2099-01-01T00:00:00Z"),
    ],
    ids=["cap-raised", "cap-removed", "edition-raised", "feature-added", "extended"],
)
def test_load_license_rejects_altered_payload_field(
    license_text, public_key, now, field, value
):
    # given a genuine license with one field changed after signing
    document = json.loads(license_text)
    document["license"][field] = value

    # when it is loaded
    with pytest.raises(LicenseForged):
        load_license(json.dumps(document), public_key, now=now)

    # then the change is caught by the signature (asserted by the raise)


def test_load_license_rejects_unknown_edition(sign_raw, public_key, now):
    # given a genuine signature over an edition this version lacks
    text = sign_raw(edition="platinum")

    # when it is loaded
    with pytest.raises(LicenseEditionUnknown) as caught:
        load_license(text, public_key, now=now)

    # then the code says so and the reason names the edition
    assert caught.value.code is LicenseErrorCode.UNKNOWN_EDITION
    assert "platinum" in caught.value.reason


def _without_signature(text: str) -> str:
    document = json.loads(text)
    del document["signature"]
    return json.dumps(document)


def _with_extra_key(text: str) -> str:
    return json.dumps(json.loads(text) | {"comment": "hi"})


def _with_bad_base64(text: str) -> str:
    return json.dumps(json.loads(text) | {"signature": "not base64!"})


def _with_duplicate_key(text: str) -> str:
    return text.replace('"licensee":', '"licensee": "Evil", "licensee":', 1)


@pytest.mark.parametrize(
    "alter",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "[" * 60_000,
        lambda text: "[]",
        lambda text: b"\xff\xfe" + text.encode(),
        _without_signature,
        _with_extra_key,
        _with_bad_base64,
        _with_duplicate_key,
        lambda text: text + " " * MAX_LICENSE_BYTES,
    ],
    ids=[
        "truncated-json",
        "deep-nesting",
        "not-an-object",
        "not-utf8",
        "missing-signature",
        "extra-envelope-key",
        "bad-base64",
        "duplicate-key",
        "oversized",
    ],
)
def test_load_license_rejects_malformed_file(license_text, public_key, now, alter):
    # given a license file broken in one way
    text = alter(license_text)

    # when it is loaded
    with pytest.raises(LicenseMalformed) as caught:
        load_license(text, public_key, now=now)

    # then it is refused as malformed
    assert caught.value.code is LicenseErrorCode.MALFORMED


@pytest.mark.parametrize(
    "changes",
    [
        {"mailbox_cap": "500"},
        {"mailbox_cap": True},
        {"mailbox_cap": 0},
        {"features": "eas"},
        {"features": ["EAS"]},
        {"expires_at": "2027-01-01T00:00:00"},
        {"expires_at": None},
        {"expires_at": "2025-01-01T00:00:00Z"},
        {"licensee": ""},
        {"seats": 10},
        {"edition": 3},
    ],
    ids=[
        "cap-as-string",
        "cap-as-bool",
        "cap-zero",
        "features-not-list",
        "feature-uppercase",
        "expiry-naive",
        "expiry-missing",
        "expiry-before-issue",
        "licensee-empty",
        "unknown-field",
        "edition-not-string",
    ],
)
def test_load_license_rejects_signed_bad_field(sign_raw, public_key, now, changes):
    # given a genuine signature over a payload with one bad field
    text = sign_raw(**changes)

    # when it is loaded
    with pytest.raises(LicenseMalformed):
        load_license(text, public_key, now=now)

    # then validation, not the signature, refused it (asserted by the raise)


def test_load_license_rejects_missing_field(payload, private_key, public_key, now):
    # given a genuine signature over a payload without its licensee
    raw = payload.model_dump(mode="json")
    del raw["licensee"]
    text = sign_payload(raw, private_key)

    # when it is loaded
    with pytest.raises(LicenseMalformed) as caught:
        load_license(text, public_key, now=now)

    # then the reason names the field
    assert "licensee" in caught.value.reason


def test_load_license_accepts_exactly_max_size(license_text, public_key, now):
    # given a file padded with whitespace to exactly the limit
    text = license_text + " " * (MAX_LICENSE_BYTES - len(license_text))

    # when it is loaded
    loaded = load_license(text, public_key, now=now)

    # then the limit itself is allowed
    assert loaded.license_id == "lic-0001"


def _raw_base64(pem: str) -> str:
    key = serialization.load_pem_public_key(pem.encode())
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "form",
    [
        lambda pem: pem,
        lambda pem: pem.encode(),
        lambda pem: "\n  " + pem + "\n",
        lambda pem: _raw_base64(pem),
        lambda pem: f"  {_raw_base64(pem)}\n",
    ],
    ids=["pem", "pem-bytes", "pem-padded", "raw-base64", "raw-base64-padded"],
)
def test_load_public_key_reads_pem_and_base64(keypair_pem, license_text, now, form):
    # given the vendor public key in one of its accepted forms
    text = form(keypair_pem[1])

    # when it is loaded and used
    key = load_public_key(text)

    # then it verifies the vendor's license
    assert load_license(license_text, key, now=now).licensee == "Example GmbH"


def _rsa_public_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return pem.decode()


@pytest.mark.parametrize(
    "text",
    [
        "not a key",
        base64.b64encode(b"\x00" * 31).decode(),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "",
    ],
    ids=["garbage", "short-raw", "broken-pem", "empty"],
)
def test_load_public_key_rejects_invalid_text(text):
    # given text that is not an Ed25519 public key

    # when it is loaded
    with pytest.raises(LicenseKeyInvalid) as caught:
        load_public_key(text)

    # then it is refused with the key code
    assert caught.value.code is LicenseErrorCode.INVALID_KEY


def test_load_public_key_rejects_other_algorithm():
    # given a valid PEM public key of another algorithm
    pem = _rsa_public_pem()

    # when / then it is refused
    with pytest.raises(LicenseKeyInvalid, match="Ed25519"):
        load_public_key(pem)
