"""Domain and host names from requests: normalised, or refused."""

import pytest

from core.errors import InvalidInput
from core.validation import clean_domain_name, clean_hostname, clean_hostname_or_ip


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("Example.COM", "example.com", id="case"),
        pytest.param(" example.com. ", "example.com", id="space-and-root-dot"),
        pytest.param("bücher.de", "xn--bcher-kva.de", id="idna"),
        pytest.param("xn--bcher-kva.de", "xn--bcher-kva.de", id="punycode"),
        pytest.param("a-b.c-d.example", "a-b.c-d.example", id="hyphens"),
        pytest.param("a" * 63 + ".com", "a" * 63 + ".com", id="longest-label"),
    ],
)
def test_clean_domain_name_normalises(raw, clean):
    assert clean_domain_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "com",
        "a..com",
        "a/b.com",
        "a\\b.com",
        "..",
        "a b.com",
        "a" * 64 + ".com",
        ("a" * 63 + ".") * 4 + "com",
        "-a.com",
        "a-.com",
        "a_b.com",
        "a.123",
        "a.com\x00",
        "☃",
    ],
)
def test_clean_domain_name_refuses_bad_names(raw):
    with pytest.raises(InvalidInput) as caught:
        clean_domain_name(raw, field="newName")

    assert (caught.value.code, caught.value.field) == ("INVALID_DOMAIN", "newName")


def test_clean_hostname_allows_domain_variable():
    assert clean_hostname("Mail.%domain%") == "mail.%domain%"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("MX.Example.org", "mx.example.org"),
    ],
)
def test_clean_hostname_or_ip_normalises(raw, clean):
    assert clean_hostname_or_ip(raw) == clean


def test_clean_hostname_or_ip_refuses_other_text():
    with pytest.raises(ValueError):
        clean_hostname_or_ip("not a host")
