"""Custom autodiscover answers that administrators save for a domain.

A saved answer is sent as it is, variables aside: it is never validated, and
a blank one goes out blank.
"""

import base64
import logging
import re
from collections.abc import Collection
from xml.sax.saxutils import escape

from plugins.autodiscover.requests import RequestKind
from plugins.autodiscover.responses import (
    KIND_PROTOCOLS,
    Account,
    build_default_response,
    clean_xml_text,
)
from plugins.autodiscover.settings import PROTOCOL_NAMES, AutodiscoverSettings

logger = logging.getLogger(__name__)

EMAIL_VARIABLE = "%EmailAddress%"
BASE64_EMAIL_VARIABLE = "%Base64EmailAddress%"
DISPLAY_NAME_VARIABLE = "%DisplayName%"

# The variables stand for the user in generated templates. There is no login
# name variable: the login name is the address.
PLACEHOLDER_ACCOUNT = Account(
    email=EMAIL_VARIABLE,
    display_name=DISPLAY_NAME_VARIABLE,
    login_name=EMAIL_VARIABLE,
)

_QUOTES = {'"': "&quot;", "'": "&apos;"}
# One pass over the saved text, so a value that holds a variable's name is
# never replaced again.
_VARIABLES = re.compile(
    "|".join(
        re.escape(name)
        for name in (EMAIL_VARIABLE, BASE64_EMAIL_VARIABLE, DISPLAY_NAME_VARIABLE)
    )
)


def choose_response(
    kind: RequestKind,
    account: Account,
    server: str,
    settings: AutodiscoverSettings,
    allowed: Collection[str],
) -> bytes:
    """Send the saved custom answer while its override is on, else the default.

    An override turned on with nothing ever saved falls back to the default.
    A user whose service access allows no protocol of the kind gets the
    default error answer, override or not.
    """
    saved = get_saved_override(kind, settings)
    if saved is None or not has_access(kind, allowed):
        return build_default_response(kind, account, server, settings, allowed)

    logger.debug("Answering autodiscover with the custom %s answer.", kind)
    return render_override(saved, account)


def has_access(kind: RequestKind, allowed: Collection[str]) -> bool:
    """Whether service access allows any protocol answers of ``kind`` announce."""
    return any(name in allowed for name in KIND_PROTOCOLS[kind])


def get_saved_override(kind: RequestKind, settings: AutodiscoverSettings) -> str | None:
    """The custom answer to send for ``kind``, or None to send the default."""
    if kind is RequestKind.DESKTOP:
        enabled, saved = settings.desktop_override, settings.desktop_xml
    else:
        enabled, saved = settings.mobile_override, settings.mobile_xml
    return saved if enabled else None


def render_override(xml_text: str, account: Account) -> bytes:
    """Put the user's escaped values in place of the variables; UTF-8 bytes."""
    values = {
        EMAIL_VARIABLE: account.email,
        BASE64_EMAIL_VARIABLE: base64.b64encode(account.email.encode()).decode(),
        DISPLAY_NAME_VARIABLE: account.display_name,
    }
    escaped = {name: clean_xml_text(escape(v, _QUOTES)) for name, v in values.items()}
    return _VARIABLES.sub(lambda match: escaped[match[0]], xml_text).encode()


def generate_default_xml(
    kind: RequestKind,
    server: str,
    settings: AutodiscoverSettings,
    placeholder: Account = PLACEHOLDER_ACCOUNT,
) -> str:
    """The default answer with variables for the user, as a starting point.

    Every protocol the domain offers appears: service access is per user, so
    it is applied to the default answer only when a user asks.
    """
    answer = build_default_response(kind, placeholder, server, settings, PROTOCOL_NAMES)
    return answer.decode()
