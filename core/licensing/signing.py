"""Ed25519 keys and the signed envelope of a license file.

A license file is a JSON object with exactly two keys::

    {
      "license": {"license_id": "...", "licensee": "...", ...},
      "signature": "<standard base64 of the 64-byte Ed25519 signature>"
    }

The signature covers the canonical serialisation of the ``license`` object:
keys sorted, no whitespace, non-ASCII characters unescaped, encoded as UTF-8
(``json.dumps(payload, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``). Layout, key order and ``\\u`` escapes in the file are
therefore free: re-indenting, CRLF line ends, a UTF-8 byte order mark and
surrounding blank lines do not break a license. Files are written ASCII-only
with two-space indentation, one field a line (the signature line, the longest,
is 105 columns), so the text survives copy/paste and email.

Input over 64 KiB, duplicate keys, other top-level keys and non-standard
numbers (NaN) are refused as malformed. The signature is checked before any
field is interpreted; the fields are described in ``core.licensing.document``.

Keys are Ed25519. A public key is read from PEM (SubjectPublicKeyInfo) or from
the standard base64 of its raw 32 bytes, so it fits in an environment setting;
a private key is read from unencrypted PKCS#8 PEM.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from core.licensing.errors import LicenseForged, LicenseKeyInvalid, LicenseMalformed

MAX_LICENSE_BYTES = 64 * 1024
ENVELOPE_KEYS = frozenset({"license", "signature"})


def generate_keypair() -> tuple[str, str]:
    """Return a new (private PEM, public PEM) pair of Ed25519 keys."""
    private_key = Ed25519PrivateKey.generate()

    # Limitation: the private key is unencrypted PEM — a passphrase
    # (BestAvailableEncryption) read by the issuing tool would lift it.
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return private_pem.decode("ascii"), public_pem.decode("ascii")


def load_public_key(text: str | bytes) -> Ed25519PublicKey:
    """Read a public key from PEM or from base64 of its raw 32 bytes.

    Raises LicenseKeyInvalid when the text is neither, or not Ed25519.
    """
    data = text.encode("ascii", "replace") if isinstance(text, str) else text
    data = data.strip()
    if data.startswith(b"-----BEGIN"):
        return _load_public_pem(data)

    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise LicenseKeyInvalid(
            "The public key is neither PEM nor base64; paste the PEM file "
            "or the base64 of the raw 32-byte Ed25519 key."
        ) from exc
    if len(raw) != 32:
        raise LicenseKeyInvalid(
            f"A raw Ed25519 public key is 32 bytes; this one is {len(raw)}."
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def load_private_key(text: str | bytes) -> Ed25519PrivateKey:
    """Read an unencrypted PKCS#8 PEM private key.

    Raises LicenseKeyInvalid when the text is not such a key, or not Ed25519.
    """
    data = text.encode("ascii", "replace") if isinstance(text, str) else text
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise LicenseKeyInvalid(
            "The private key is not an unencrypted PEM key; generate one "
            "with bench/issue_license.py keygen."
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise LicenseKeyInvalid("The private key is not an Ed25519 key.")
    return key


def dump_canonical(payload: Mapping[str, Any]) -> bytes:
    """Return the bytes a signature covers: sorted keys, no spaces, UTF-8."""
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return text.encode("utf-8")


def sign_payload(payload: Mapping[str, Any], private_key: Ed25519PrivateKey) -> str:
    """Sign a JSON object as it stands and return the license file text.

    The payload is not validated here; ``sign_license`` is the checked way.
    """
    signature = private_key.sign(dump_canonical(payload))
    envelope = {
        "license": dict(payload),
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(envelope, indent=2, ensure_ascii=True) + "\n"


def verify_envelope(text: str | bytes, public_key: Ed25519PublicKey) -> bytes:
    """Check a license file's signature and return its canonical payload.

    Raises LicenseMalformed when the envelope can't be read, LicenseForged
    when the signature does not match the payload under ``public_key``.
    """
    payload, signature = _split_envelope(_parse_json(_decode_text(text)))
    canonical = dump_canonical(payload)

    try:
        public_key.verify(signature, canonical)
    except InvalidSignature as exc:
        raise LicenseForged(
            "The license signature does not match: the file was altered "
            "or signed with another key."
        ) from exc
    return canonical


def _load_public_pem(data: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise LicenseKeyInvalid("The public key PEM can't be read.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise LicenseKeyInvalid("The public key is not an Ed25519 key.")
    return key


def _decode_text(text: str | bytes) -> str:
    # Lone surrogates pass through encoding here and fail decoding below.
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if len(data) > MAX_LICENSE_BYTES:
        raise LicenseMalformed(
            f"The license is larger than {MAX_LICENSE_BYTES // 1024} KiB."
        )

    try:
        return data.decode("utf-8-sig")
    except UnicodeError as exc:
        raise LicenseMalformed("The license is not valid UTF-8 text.") from exc


def _parse_json(text: str) -> object:
    try:
        return json.loads(
            text,
            object_pairs_hook=_refuse_duplicates,
            parse_constant=_refuse_constant,
        )
    except (ValueError, RecursionError) as exc:
        raise LicenseMalformed(f"The license is not valid JSON: {exc}") from exc


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _split_envelope(document: object) -> tuple[dict[str, Any], bytes]:
    if not isinstance(document, dict) or document.keys() != ENVELOPE_KEYS:
        raise LicenseMalformed(
            "A license is a JSON object with exactly the keys license and signature."
        )
    payload, signature = document["license"], document["signature"]
    if not isinstance(payload, dict):
        raise LicenseMalformed("The license key must hold a JSON object.")
    if not isinstance(signature, str):
        raise LicenseMalformed("The signature must be a base64 string.")

    try:
        return payload, base64.b64decode(signature, validate=True)
    except binascii.Error as exc:
        raise LicenseMalformed("The signature is not valid base64.") from exc
