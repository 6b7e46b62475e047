import pytest
from pydantic import BaseModel, ValidationError

from plugins.autodiscover.settings import (
    SECTION,
    AutodiscoverSettings,
    Encryption,
    ProtocolSettings,
)


def test_defaults_match_usual_ports_and_encryption():
    settings = AutodiscoverSettings()

    ports = {
        name: (getattr(settings, name).port, getattr(settings, name).encryption)
        for name in ("imap", "pop", "smtp", "ews", "eas", "caldav", "carddav")
    }

    assert ports == {
        "imap": (993, Encryption.SSL_TLS),
        "pop": (995, Encryption.SSL_TLS),
        "smtp": (587, Encryption.STARTTLS),
        "ews": (443, Encryption.SSL_TLS),
        "eas": (443, Encryption.SSL_TLS),
        "caldav": (443, Encryption.SSL_TLS),
        "carddav": (443, Encryption.SSL_TLS),
    }


def test_defaults_offer_everything_without_overrides():
    settings = AutodiscoverSettings()

    assert settings.imap.offered and settings.eas.offered
    assert not settings.desktop_override and settings.desktop_xml is None
    assert not settings.mobile_override and settings.mobile_xml is None


def test_encryption_values_are_the_stored_strings():
    assert [member.value for member in Encryption] == ["ssl_tls", "starttls", "none"]


@pytest.mark.parametrize(
    ("protocol", "encryption"),
    [
        ("ews", "starttls"),
        ("ews", "none"),
        ("eas", "starttls"),
        ("eas", "none"),
        ("caldav", "starttls"),
        ("carddav", "starttls"),
    ],
    ids=lambda value: value,
)
def test_http_protocols_reject_unsuitable_encryption(protocol, encryption):
    with pytest.raises(ValidationError) as caught:
        AutodiscoverSettings.model_validate({protocol: {"encryption": encryption}})

    (error,) = caught.value.errors()
    assert error["loc"] == (protocol,)
    assert error["type"] == "value_error"


def test_dav_protocols_accept_plain_http():
    settings = AutodiscoverSettings.model_validate(
        {"caldav": {"port": 8080, "encryption": "none"}}
    )

    assert settings.caldav.encryption is Encryption.NONE


def test_assigning_unencrypted_ews_is_rejected(settings):
    with pytest.raises(ValidationError):
        settings.ews = ProtocolSettings(port=443, encryption=Encryption.STARTTLS)


@pytest.mark.parametrize("port", [0, -1, 65536, 100000], ids=str)
def test_ports_outside_tcp_range_are_rejected(port):
    with pytest.raises(ValidationError) as caught:
        AutodiscoverSettings.model_validate({"imap": {"port": port}})

    assert caught.value.errors()[0]["loc"] == ("imap", "port")


@pytest.mark.parametrize("port", [1, 65535], ids=str)
def test_ports_at_range_edges_are_accepted(port):
    settings = AutodiscoverSettings.model_validate({"imap": {"port": port}})

    assert settings.imap.port == port


def test_partial_protocol_keeps_its_own_defaults():
    settings = AutodiscoverSettings.model_validate({"pop": {"offered": False}})

    assert settings.pop == ProtocolSettings(
        offered=False, port=995, encryption=Encryption.SSL_TLS
    )


def test_unknown_protocol_fields_are_rejected():
    with pytest.raises(ValidationError):
        AutodiscoverSettings.model_validate({"imap": {"prot": 143}})


def test_stored_json_round_trips_unchanged():
    settings = AutodiscoverSettings.model_validate(
        {"smtp": {"port": 465, "encryption": "ssl_tls"}, "desktop_xml": ""}
    )

    stored = settings.model_dump(mode="json")

    assert AutodiscoverSettings.model_validate(stored) == settings
    assert stored["smtp"] == {"offered": True, "port": 465, "encryption": "ssl_tls"}


def test_every_field_carries_a_description():
    def undocumented(model: type[BaseModel]) -> list[str]:
        return [
            name for name, field in model.model_fields.items() if not field.description
        ]

    assert undocumented(AutodiscoverSettings) == []
    assert undocumented(ProtocolSettings) == []


def test_section_is_a_domain_section_of_plugin():
    assert SECTION.name == "autodiscover"
    assert SECTION.model is AutodiscoverSettings
    assert SECTION.scope == "domain"
    assert SECTION.plugin == "autodiscover"
    assert SECTION.description
