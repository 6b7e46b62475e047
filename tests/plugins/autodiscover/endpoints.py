"""Requests as mail clients send them, and readers of the answers they get."""

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from starlette.testclient import TestClient

from core.app import create_app
from core.db import session_scope
from core.services.domain_aliases import create_domain_alias
from core.services.feature_accounts import set_access
from core.services.users import UserCreate, create_user
from plugins.eas.settings import FEATURE as EAS
from plugins.mapi_ews.settings import FEATURE as MAPI_EWS
from tests.plugin_support import PASSWORD, SYSTEM, add_domain, schema_for

_SCHEMAS = "http://schemas.microsoft.com/exchange/autodiscover"
DESKTOP_REQUEST_NS = f"{_SCHEMAS}/outlook/requestschema/2006"
MOBILE_REQUEST_NS = f"{_SCHEMAS}/mobilesync/requestschema/2006"
RESPONSE = f"{{{_SCHEMAS}/responseschema/2006}}"
DESKTOP = f"{{{_SCHEMAS}/outlook/responseschema/2006a}}"
MOBILE = f"{{{_SCHEMAS}/mobilesync/responseschema/2006}}"

DOMAIN = "example.com"
SERVER = "mail.example.com"
JANE = "jane@example.com"
PATH = "/autodiscover/autodiscover.xml"

# As a desktop mail program sends it: declaration, indentation, CRLF endings,
# to the path in mixed case.
DESKTOP_PATH = "/Autodiscover/Autodiscover.xml"
DESKTOP_HEADERS = {"Content-Type": "text/xml", "User-Agent": "DesktopMail/16.0"}
DESKTOP_TEMPLATE = (
    '<?xml version="1.0" encoding="utf-8"?>\r\n'
    f'<Autodiscover xmlns="{DESKTOP_REQUEST_NS}">\r\n'
    "  <Request>\r\n"
    "    <EMailAddress>{email}</EMailAddress>\r\n"
    f"    <AcceptableResponseSchema>{DESKTOP[1:-1]}</AcceptableResponseSchema>\r\n"
    "  </Request>\r\n"
    "</Autodiscover>"
)

# As a phone's EAS client sends it: one element a line, upper-case encoding
# name, to the path in its own mixed case.
MOBILE_PATH = "/AutoDiscover/AutoDiscover.xml"
MOBILE_HEADERS = {"Content-Type": "text/xml", "User-Agent": "PhoneOS/17.0 sync/1.0"}
MOBILE_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<Autodiscover xmlns="{MOBILE_REQUEST_NS}">\n'
    "<Request>\n"
    "<EMailAddress>{email}</EMailAddress>\n"
    f"<AcceptableResponseSchema>{MOBILE[1:-1]}</AcceptableResponseSchema>\n"
    "</Request>\n"
    "</Autodiscover>\n"
)


def desktop_request(email: str = JANE) -> bytes:
    return DESKTOP_TEMPLATE.replace("{email}", escape(email)).encode()


def mobile_request(email: str = JANE) -> bytes:
    return MOBILE_TEMPLATE.replace("{email}", escape(email)).encode()


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def ask_desktop(http, email: str = JANE, *, login: str | None = None, **kwargs):
    headers = DESKTOP_HEADERS | basic(login or email, **kwargs)
    return http.post(DESKTOP_PATH, content=desktop_request(email), headers=headers)


def ask_mobile(http, email: str = JANE, *, login: str | None = None, **kwargs):
    headers = MOBILE_HEADERS | basic(login or email, **kwargs)
    return http.post(MOBILE_PATH, content=mobile_request(email), headers=headers)


# Reading answers.


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response.headers["content-type"].startswith("text/xml")
    return ET.fromstring(response.content)


def desktop_protocols(root: ET.Element) -> dict[str, dict[str, str]]:
    """Each announced protocol by type, its fields by name."""
    return {
        protocol.findtext(f"{DESKTOP}Type"): {
            child.tag.removeprefix(DESKTOP): child.text for child in protocol
        }
        for protocol in root.iter(f"{DESKTOP}Protocol")
    }


def desktop_error_code(root: ET.Element) -> str | None:
    return root.findtext(f"{RESPONSE}Response/{RESPONSE}Error/{RESPONSE}ErrorCode")


def mail_protocol(port: str, ssl: str, encryption: str, login: str = JANE) -> dict:
    """The fields a desktop answer gives a mail protocol on ``SERVER``."""
    return {
        "Server": SERVER,
        "Port": port,
        "LoginName": login,
        "DomainRequired": "off",
        "SPA": "off",
        "SSL": ssl,
        "Encryption": encryption,
        "AuthRequired": "on",
    }


# The world: a domain with users, and access to give them.


def add_example_domain(runtime, settings: dict | None = None) -> None:
    features = {"eas": {"accounts": 5}, "mapiEws": {"accounts": 5}}
    add_domain(runtime, DOMAIN, settings=features | (settings or {}))


def add_user(
    runtime,
    email: str,
    display_name: str = "",
    access: dict | None = None,
    password: str = PASSWORD,
) -> None:
    settings = {"serviceAccess": access} if access else None
    data = UserCreate(email, password, display_name=display_name, settings=settings)
    with session_scope(runtime.engine) as session:
        create_user(session, runtime, SYSTEM, data)


def give_access(runtime, email: str, *, eas: bool = False, ews: bool = False) -> None:
    with session_scope(runtime.engine) as session:
        for feature, wanted in ((EAS, eas), (MAPI_EWS, ews)):
            if wanted:
                set_access(session, runtime, SYSTEM, feature, email, True)


def add_domain_alias(runtime, alias: str) -> None:
    with session_scope(runtime.engine) as session:
        create_domain_alias(session, runtime, SYSTEM, DOMAIN, alias)


@contextmanager
def serve(runtime) -> Iterator[TestClient]:
    """An HTTP client of the app of ``runtime``, for other sets of plugins."""
    with TestClient(create_app(runtime, schema=schema_for(runtime))) as http:
        yield http
