"""Generate a licensing keypair and issue signed Mailplane licenses.

Run from the repository root with the project importable (installed, or
``PYTHONPATH=.``)::

    python bench/issue_license.py keygen \\
        --private-key vendor.pem --public-key vendor.pub
    python bench/issue_license.py issue --private-key vendor.pem \\
        --licensee "Example GmbH" --edition pro --feature eas \\
        --feature twostep --mailbox-cap 500 --expires 2027-01-01 > example.license

``keygen`` never overwrites a key and writes the private key readable by its
owner only. ``issue`` prints the license file on standard output; a mailbox
cap left out means unlimited, and an expiry without a UTC offset is in UTC.
"""

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from core.licensing import (
    Edition,
    LicenseError,
    LicensePayload,
    generate_keypair,
    load_private_key,
    sign_license,
)

KEY_PATH = click.Path(dir_okay=False, path_type=Path)


@click.group()
def main() -> None:
    """Generate licensing keys and issue licenses."""


@main.command()
@click.option("--private-key", type=KEY_PATH, required=True)
@click.option("--public-key", type=KEY_PATH, required=True)
def keygen(private_key: Path, public_key: Path) -> None:
    """Write a new Ed25519 keypair as PEM files."""
    # Both checked first, so a refusal never leaves half a keypair behind.
    for path in (private_key, public_key):
        if path.exists():
            raise click.ClickException(f"{path} exists; keys are never replaced.")
    private_pem, public_pem = generate_keypair()

    write_new_file(private_key, private_pem, mode=0o600)
    write_new_file(public_key, public_pem, mode=0o644)
    click.echo(f"Wrote {private_key} and {public_key}.", err=True)


@main.command()
@click.option("--private-key", type=KEY_PATH, required=True)
@click.option("--licensee", required=True)
@click.option("--edition", type=click.Choice([e.value for e in Edition]), required=True)
@click.option("--feature", "features", multiple=True, help="Repeat per feature.")
@click.option("--mailbox-cap", type=click.IntRange(min=1), default=None)
@click.option("--expires", required=True, help="ISO 8601 date or time.")
@click.option("--license-id", default=None, help="A random UUID by default.")
def issue(
    private_key: Path,
    licensee: str,
    edition: str,
    features: tuple[str, ...],
    mailbox_cap: int | None,
    expires: str,
    license_id: str | None,
) -> None:
    """Print a license signed with the private key."""
    try:
        key = load_private_key(private_key.read_bytes())
    except (OSError, LicenseError) as exc:
        raise click.ClickException(f"{private_key}: {exc}") from exc

    try:
        payload = LicensePayload(
            license_id=license_id or str(uuid.uuid4()),
            licensee=licensee,
            edition=Edition(edition),
            features=features,
            mailbox_cap=mailbox_cap,
            issued_at=datetime.now(UTC).replace(microsecond=0),
            expires_at=clean_expiry(expires),
        )
    except ValidationError as exc:
        raise click.UsageError(explain(exc)) from exc

    click.echo(sign_license(payload, key), nl=False)


def clean_expiry(value: str) -> datetime:
    """Parse an ISO 8601 date or time; one without an offset is UTC."""
    try:
        expiry = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires") from exc
    return expiry if expiry.tzinfo else expiry.replace(tzinfo=UTC)


def explain(exc: ValidationError) -> str:
    """One line a problem: the field and what is wrong with it."""
    problems = [
        f"{'.'.join(map(str, error['loc'])) or 'license'}: {error['msg']}"
        for error in exc.errors(include_url=False)
    ]
    return "\n".join(problems)


def write_new_file(path: Path, text: str, *, mode: int) -> None:
    """Create ``path`` with ``mode``; refuse to replace an existing file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise click.ClickException(f"{path} exists; keys are never replaced.") from exc
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(text)


if __name__ == "__main__":
    main()
