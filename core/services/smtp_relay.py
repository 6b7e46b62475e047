"""Handing messages to the SMTP server named by ``MAILPLANE_SMTP_URL``.

``smtp://[user:password@]host[:port]`` speaks plain SMTP (port 25),
``smtp+starttls://`` upgrades with STARTTLS (port 587) and ``smtps://``
connects over TLS (port 465). One connection carries a whole job; a
dropped connection is opened again once before the job fails.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from core.errors import ConfigurationError, MailplaneError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
QUOTA_CODES = {452, 552}


class SmtpUnavailable(MailplaneError):
    """Raised when the SMTP server can't be reached or drops the connection."""

    code = "SMTP_UNAVAILABLE"


@dataclass(frozen=True)
class SmtpTarget:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTarget({self.scheme}://{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in PORTS or not parts.hostname:
        raise ConfigurationError(
            "MAILPLANE_SMTP_URL must look like smtp://host:25, "
            "smtp+starttls://user:password@host:587 or smtps://host:465."
        )
    return SmtpTarget(
        parts.scheme,
        parts.hostname,
        parts.port or PORTS[parts.scheme],
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


class SmtpRelay:
    """An SMTP connection that sends one message to one recipient at a time."""

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpRelay":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def send(self, sender: str, recipient: str, raw: bytes) -> str | None:
        """Send; return None, or the code of a refusal that skips the recipient.

        Raises ``SmtpUnavailable`` when the server can't be reached twice.
        """
        for attempt in (1, 2):
            try:
                self._connected().sendmail(sender, [recipient], raw)
                return None
            except smtplib.SMTPRecipientsRefused as exc:
                return _refusal(next(iter(exc.recipients.values()))[0])
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                return _refusal(exc.smtp_code)
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                if attempt == 2:
                    raise SmtpUnavailable(
                        f"The SMTP server {self.target.host} failed: {exc}."
                    ) from exc
                logger.warning("Reconnecting to SMTP server %s.", self.target.host)
        return None

    def _connected(self) -> smtplib.SMTP:
        if self._client is None:
            self._client = self._open()
        return self._client

    def _open(self) -> smtplib.SMTP:
        target = self.target
        if target.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                target.host,
                target.port,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        if target.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if target.username:
            client.login(target.username, target.password or "")
        return client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def _refusal(code: int) -> str:
    return "QUOTA_EXCEEDED" if code in QUOTA_CODES else "SMTP_REFUSED"
