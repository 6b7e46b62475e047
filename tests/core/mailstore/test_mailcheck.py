import pytest

from core.mailstore import NotMail, validate_mail

REFUSED = {
    "malformed": "MALFORMED_HEADERS",
    "truncated": "TRUNCATED",
    "headers_only": "NO_BODY_SEPARATOR",
    "binary": "BINARY",
    "empty": "EMPTY",
}


@pytest.mark.parametrize("name", ["plain", "alternative", "attachment", "non_ascii"])
def test_valid_corpus_message_is_mail(corpus: dict[str, bytes], name: str) -> None:
    # Given a well-formed message of the corpus
    # When it is validated
    message = validate_mail(corpus[name])

    # Then it parses, RFC 2047 headers decoded
    assert message["From"]


def test_encoded_words_are_decoded_on_parse(corpus: dict[str, bytes]) -> None:
    # Given a message whose headers are RFC 2047 encoded on the wire
    raw = corpus["non_ascii"]
    assert b"=?utf-8?" in raw

    # When it is validated
    message = validate_mail(raw)

    # Then its headers read back as the original text
    assert message["Subject"] == "Grüße aus Zürich — 東京"
    assert message["From"].addresses[0].display_name == "Jürgen Müller"


@pytest.mark.parametrize(("name", "code"), REFUSED.items(), ids=list(REFUSED))
def test_non_mail_is_refused_with_code(
    corpus: dict[str, bytes], name: str, code: str
) -> None:
    # Given a corpus file that is not usable mail
    # When it is validated
    # Then NotMail is raised with a code naming the defect
    with pytest.raises(NotMail) as caught:
        validate_mail(corpus[name])
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"just some text\nwith lines\n", "NO_HEADERS"),
        (b"X-Note: hi\n\n", "NO_IDENTITY"),
        (b"\x01\x02\x03\x04" * 50 + b"From: a@b\n\nx\n", "BINARY"),
    ],
    ids=["text", "no-identity", "control-bytes"],
)
def test_other_non_mail_is_refused(raw: bytes, code: str) -> None:
    # Given bytes that merely resemble mail
    # When they are validated
    # Then NotMail names the reason
    with pytest.raises(NotMail) as caught:
        validate_mail(raw)
    assert caught.value.code == code


def test_header_block_with_body_is_mail() -> None:
    # Given a header block without identifying headers, but with a body
    # When it is validated
    # Then it counts as mail
    assert validate_mail(b"Subject: note\r\n\r\nbody\r\n")["Subject"] == "note"
