import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.licensing import (
    FREE_LICENSE,
    Edition,
    License,
    LicenseErrorCode,
    LicenseExpired,
    LicensePayload,
    load_license,
    sign_license,
)


def test_load_license_returns_signed_fields(license_text, public_key, now):
    # given a license signed with the vendor key (in the fixtures)

    # when it is loaded with the matching public key
    loaded = load_license(license_text, public_key, now=now)

    # then every field comes back, in UTC
    assert loaded.license_id == "lic-0001"
    assert loaded.licensee == "Example GmbH"
    assert loaded.edition is Edition.PRO
    assert loaded.features == ("eas", "twostep")
    assert loaded.mailbox_cap == 500
    assert loaded.expires_at == datetime(2027, 1, 1, tzinfo=UTC)


def test_load_license_accepts_bytes_and_reformatting(license_text, public_key, now):
    # given the same file re-indented, with CRLF line ends and a BOM
    document = json.loads(license_text)
    reformatted = "\ufeff" + json.dumps(document, indent=8).replace("\n", "\r\n")

    # when it is loaded as bytes
    loaded = load_license(reformatted.encode(), public_key, now=now)

    # then the signature still holds
    assert loaded.licensee == "Example GmbH"


def test_load_license_keeps_non_ascii_licensee(sign_raw, public_key, now):
    # given a licensee outside ASCII, which the file escapes
    text = sign_raw(licensee="Müller & Søn AB")

    # when it is loaded
    loaded = load_license(text, public_key, now=now)

    # then the name is intact and the file itself stayed ASCII
    assert loaded.licensee == "Müller & Søn AB"
    assert text.isascii()


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), timedelta(seconds=1)],
    ids=["at-expiry", "after-expiry"],
)
def test_load_license_rejects_reached_expiry(license_text, public_key, offset):
    # given a moment at or after the expiry
    now = datetime(2027, 1, 1, tzinfo=UTC) + offset

    # when the license is loaded
    with pytest.raises(LicenseExpired) as caught:
        load_license(license_text, public_key, now=now)

    # then it is refused as expired
    assert caught.value.code is LicenseErrorCode.EXPIRED


def test_load_license_rejects_naive_now(license_text, public_key):
    # given a naive datetime, which can't be compared with the expiry
    naive = datetime(2026, 6, 1)

    # when / then loading is a developer error, not a license error
    with pytest.raises(ValueError, match="aware"):
        load_license(license_text, public_key, now=naive)


def test_load_license_logs_without_key_material(
    license_text, public_key, keypair_pem, now, caplog
):
    # given info logging is captured
    caplog.set_level(logging.INFO, logger="core.licensing.document")

    # when a license is loaded
    load_license(license_text, public_key, now=now)

    # then the licensee, edition and expiry are logged, and no key or signature
    assert "Example GmbH" in caplog.text
    assert "pro edition" in caplog.text
    assert "2027-01-01" in caplog.text
    signature = json.loads(license_text)["signature"]
    assert signature not in caplog.text
    assert keypair_pem[1].splitlines()[1] not in caplog.text


def test_sign_license_refuses_free_license(private_key: Ed25519PrivateKey):
    # given the implicit free license, which has no issue or expiry time

    # when / then it can't be signed
    with pytest.raises(ValueError, match="issued_at"):
        sign_license(FREE_LICENSE, private_key)


def test_payload_rejects_expiry_before_issue(payload: LicensePayload):
    # given a payload whose expiry precedes its issue
    fields = payload.model_dump() | {"expires_at": payload.issued_at}

    # when / then validation refuses it
    with pytest.raises(ValueError, match="later than issued_at"):
        LicensePayload(**fields)


@pytest.mark.parametrize(
    ("edition", "feature", "expected"),
    [
        (Edition.PRO, "eas", True),
        (Edition.PRO, "mapi_ews", False),
        (Edition.ENTERPRISE, "twostep", True),
        (Edition.FREE, "eas", False),
    ],
    ids=["pro-listed", "pro-unlisted", "enterprise-listed", "free-listed"],
)
def test_grants_requires_listed_feature_beyond_free(
    payload, edition, feature, expected
):
    # given a license of an edition listing eas and twostep
    license_ = payload.model_copy(update={"edition": edition})

    # when a feature is asked for
    granted = license_.grants(feature)

    # then only listed features of a paid edition are granted
    assert granted is expected


def test_free_license_grants_nothing_forever():
    # given the implicit license used without a file
    far_future = datetime(9999, 1, 1, tzinfo=UTC)

    # when / then it grants no feature, caps nothing and never expires
    assert FREE_LICENSE.edition is Edition.FREE
    assert not FREE_LICENSE.grants("eas")
    assert FREE_LICENSE.mailbox_cap is None
    assert not FREE_LICENSE.is_expired(far_future)


@pytest.mark.parametrize(
    ("edition", "required", "expected"),
    [
        (Edition.FREE, Edition.FREE, True),
        (Edition.FREE, Edition.PRO, False),
        (Edition.PRO, Edition.PRO, True),
        (Edition.PRO, Edition.ENTERPRISE, False),
        (Edition.ENTERPRISE, Edition.PRO, True),
        (Edition.ENTERPRISE, "free", True),
    ],
    ids=[
        "free-free",
        "free-pro",
        "pro-pro",
        "pro-enterprise",
        "enterprise-pro",
        "enterprise-free-by-name",
    ],
)
def test_edition_at_least_follows_ordering(payload, edition, required, expected):
    # given a license of one edition
    license_ = payload.model_copy(update={"edition": edition})

    # when a plugin's required edition is compared
    enough = license_.edition_at_least(required)

    # then free < pro < enterprise decides
    assert enough is expected


def test_edition_compares_by_rank_not_name():
    # given the editions, whose names sort differently from their ranks

    # when they are sorted
    ordered = sorted([Edition.ENTERPRISE, Edition.FREE, Edition.PRO])

    # then the order is free, pro, enterprise
    assert ordered == [Edition.FREE, Edition.PRO, Edition.ENTERPRISE]
    assert Edition.FREE < Edition.PRO < Edition.ENTERPRISE


def test_describe_lists_fields_as_json(license_text, public_key, now):
    # given a loaded license
    loaded: License = load_license(license_text, public_key, now=now)

    # when it is described
    described = loaded.describe()

    # then every field is a plain JSON value
    assert described == {
        "license_id": "lic-0001",
        "licensee": "Example GmbH",
        "edition": "pro",
        "features": ["eas", "twostep"],
        "mailbox_cap": 500,
        "issued_at": "2026-01-01T00:00:00Z",
        "expires_at": "2027-01-01T00:00:00Z",
    }
    assert json.loads(json.dumps(described)) == described
