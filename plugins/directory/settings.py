"""The directory section: where a domain's directory server is and how its
users are found.

Domain administrators change it only while the domain's
``features.directoryIntegration`` is on (``core.services.feature_gates``).
The service account's password is no field here: every field of a section
is shown in GraphQL output, templates and exports, so it lives encrypted in
the plugin's own table (``plugins.directory.credentials``).
"""

import re
from ipaddress import ip_address
from urllib.parse import urlsplit

from ldap3.core.exceptions import LDAPException
from ldap3.operation.search import parse_filter
from ldap3.utils.dn import parse_dn
from pydantic import Field, field_validator, model_validator

from core.settings.section import SectionModel, SectionSpec

FEATURE = "directory_integration"
SCHEMES = ("ldap", "ldaps")
# A host name label; one label alone is allowed, since directory servers
# are often named on an internal network (``dc01``).
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# An attribute description (RFC 4512): a name or a numeric OID.
_ATTRIBUTE = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,127}|[0-9]+(\.[0-9]+)+)$")


class DirectorySettings(SectionModel):
    url: str | None = Field(
        default=None,
        max_length=512,
        description="The directory server, as ldaps://host[:port], or "
        "ldap://host[:port] with startTls on (plain ldap:// only to a loopback "
        "address); null turns directory authentication off.",
    )
    bind_dn: str | None = Field(
        default=None,
        max_length=1024,
        description="The DN to bind as to search for users; null binds "
        "anonymously. Its password is set with setDirectoryBindPassword.",
    )
    base_dn: str | None = Field(
        default=None,
        max_length=1024,
        description="Where users are searched for, with its whole subtree.",
    )
    user_filter: str = Field(
        default="(objectClass=inetOrgPerson)",
        max_length=1024,
        description="The LDAP filter every user entry matches, in parentheses.",
    )
    login_attribute: str = Field(
        default="uid",
        max_length=128,
        description="The attribute whose value is the user's local part.",
    )
    display_name_attribute: str = Field(
        default="cn",
        max_length=128,
        description="The attribute imported users take their display name from.",
    )
    start_tls: bool = Field(
        default=False,
        description="Upgrade an ldap:// connection with StartTLS before "
        "binding (ldaps:// is encrypted from the start).",
    )

    @field_validator("url")
    @classmethod
    def check_url(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else clean_ldap_url(value)

    @field_validator("bind_dn", "base_dn")
    @classmethod
    def check_dn(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            parse_dn(value.strip())
        except LDAPException:
            raise ValueError(
                "must be a distinguished name such as ou=people,dc=example,dc=org"
            ) from None
        return value.strip()

    @field_validator("user_filter")
    @classmethod
    def check_filter(cls, value: str) -> str:
        return clean_filter(value)

    @field_validator("login_attribute", "display_name_attribute")
    @classmethod
    def check_attribute(cls, value: str) -> str:
        if not _ATTRIBUTE.match(value.strip()):
            raise ValueError("must be an attribute name such as uid or cn")
        return value.strip()

    @model_validator(mode="after")
    def check_encrypted(self) -> "DirectorySettings":
        """Passwords cross the network only encrypted; the error names url."""
        if self.url is None or self.start_tls or not sends_clear_text(self.url):
            return self
        raise self.field_error(
            "url",
            "ldap:// sends passwords in clear: use ldaps://, turn on startTls, "
            "or name a loopback address",
            self.url,
        )


def sends_clear_text(url: str) -> bool:
    """Whether ``url`` is plain ldap:// to a host other than this one."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "ldap":
        return False
    try:
        return not ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return True


def clean_ldap_url(raw: str) -> str:
    """``ldap://host[:port]`` or ``ldaps://…``; raise ``ValueError`` otherwise."""
    value = raw.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError("must be ldap://host[:port] or ldaps://host[:port]") from None
    extra = parts.username or parts.password or parts.query or parts.fragment
    if parts.scheme.lower() not in SCHEMES or extra or parts.path not in ("", "/"):
        raise ValueError("must be ldap://host[:port] or ldaps://host[:port]")
    if not _valid_host(parts.hostname or "") or port == 0:
        raise ValueError("must name a host name or IP address, and a port if any")
    return value.rstrip("/")


def _valid_host(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        labels = host.rstrip(".").split(".")
        return len(host) <= 253 and all(_LABEL.match(label) for label in labels)
    return True


def clean_filter(raw: str) -> str:
    """One filter in balanced parentheses that ldap3 can parse (and so send)."""
    value = raw.strip()
    depth = 0
    for position, char in enumerate(value):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0 or (depth == 0 and position < len(value) - 1):
            break
    else:
        if value.startswith("(") and depth == 0 and "\x00" not in value:
            return _parsed(value)
    raise ValueError(
        "must be one LDAP filter in parentheses, such as (objectClass=inetOrgPerson)"
    )


def _parsed(value: str) -> str:
    try:
        parse_filter(
            value,
            None,
            auto_escape=False,
            auto_encode=False,
            validator=None,
            check_names=False,
        )
    except Exception as exc:  # ldap3's parser raises more than LDAPException
        raise ValueError(f"must be a valid LDAP filter ({exc})") from None
    return value


SECTION = SectionSpec(
    name="directory",
    model=DirectorySettings,
    scope="domain",
    description="The directory server the domain's users authenticate against "
    "and are imported from (Enterprise).",
    domain_admin_fields=frozenset(DirectorySettings.model_fields),
    plugin="directory",
)
