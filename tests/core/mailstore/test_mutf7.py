import pytest

from core.mailstore.mutf7 import decode_mutf7, encode_mutf7


@pytest.mark.parametrize(
    "text", ["", "plain", "a&b", "Grüße", "☺ smile", "𝄞 clef", "&&"], ids=str
)
def test_modified_utf7_round_trips_text(text: str) -> None:
    # Given any text
    # When it is encoded then decoded
    encoded = encode_mutf7(text)

    # Then it comes back whole and the encoding is printable ASCII
    assert decode_mutf7(encoded) == text
    assert all(" " <= char <= "~" for char in encoded)


def test_modified_utf7_matches_rfc_example() -> None:
    # Given the example of RFC 3501, section 5.1.3
    # When it is encoded
    # Then it matches the RFC
    assert encode_mutf7("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"


@pytest.mark.parametrize("text", ["&", "&abc", "&AGE", "caf\u00e9", "&Jjo-x&"], ids=str)
def test_malformed_modified_utf7_raises_value_error(text: str) -> None:
    # Given text that no encoder would produce
    # When it is decoded
    # Then ValueError is raised
    with pytest.raises(ValueError):
        decode_mutf7(text)
