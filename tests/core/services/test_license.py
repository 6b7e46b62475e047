"""The license the server runs under: checked at start-up and on install."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from core.config import Config
from core.db import session_scope
from core.errors import ConfigurationError, InvalidInput, LimitReached
from core.licensing import FREE_LICENSE, Edition
from core.licensing.signing import sign_payload
from core.runtime import build_runtime
from core.services.license import (
    LicenseSource,
    LicenseStatus,
    install_license,
)
from core.services.users import UserCreate, create_user
from tests.plugin_support import (
    PASSWORD,
    PRIVATE_KEY,
    PUBLIC_PEM,
    STRANGER_KEY,
    SYSTEM,
    add_domain,
    expired_license,
    forget_installed_license,
    issue_license,
    licensed_config,
)


def status_for(config: Config) -> LicenseStatus:
    runtime = build_runtime(config, plugin_modules=[])
    runtime.engine.dispose()
    return runtime.license_status


def problem_codes(status: LicenseStatus) -> list[tuple[str, str]]:
    return [(p.source.value, p.code) for p in status.problems]


@pytest.fixture
def installed(runtime):
    """The emptied database; a license installed by a test is removed after it."""
    yield runtime
    forget_installed_license(runtime)


def test_no_license_file_runs_free_edition(tmp_path):
    status = status_for(Config(data_dir=tmp_path))

    assert status.license == FREE_LICENSE
    assert status.source is LicenseSource.NONE
    assert status.problems == []


def test_license_file_runs_its_edition(tmp_path):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    status = status_for(config)

    assert status.license.edition is Edition.ENTERPRISE
    assert status.license.features == ("eas", "mapi_ews")
    assert status.source is LicenseSource.FILE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (issue_license(key=STRANGER_KEY), "LICENSE_FORGED"),
        (expired_license(), "LICENSE_EXPIRED"),
        ("not a license", "LICENSE_MALFORMED"),
    ],
    ids=["forged", "expired", "malformed"],
)
def test_refused_license_file_leaves_free_edition(tmp_path, text, code):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path, text)

    status = status_for(config)

    assert status.license == FREE_LICENSE
    assert problem_codes(status) == [("file", code)]


def test_altered_license_file_is_refused_as_forged(tmp_path):
    # Given a genuine license whose mailbox cap was raised by hand
    document = json.loads(issue_license(mailbox_cap=10))
    document["license"]["mailbox_cap"] = 10_000
    config = licensed_config(Config(data_dir=tmp_path), tmp_path, json.dumps(document))

    # When the server starts
    status = status_for(config)

    # Then the license is refused and the free edition runs
    assert status.license.mailbox_cap is None
    assert problem_codes(status) == [("file", "LICENSE_FORGED")]


def test_license_of_unknown_edition_is_refused(tmp_path):
    payload = json.loads(issue_license())["license"] | {"edition": "platinum"}
    text = sign_payload(payload, PRIVATE_KEY)
    config = licensed_config(Config(data_dir=tmp_path), tmp_path, text)

    status = status_for(config)

    assert problem_codes(status) == [("file", "LICENSE_UNKNOWN_EDITION")]


def test_license_file_without_public_key_stops_start_up(tmp_path):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    with pytest.raises(ConfigurationError, match="MAILPLANE_LICENSE_PUBLIC_KEY"):
        status_for(replace(config, license_public_key=""))


def test_missing_license_file_stops_start_up(tmp_path):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    with pytest.raises(ConfigurationError, match="MAILPLANE_LICENSE_FILE"):
        status_for(replace(config, license_file=tmp_path / "nowhere.license"))


def test_unusable_public_key_stops_start_up(tmp_path):
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    with pytest.raises(ConfigurationError, match="MAILPLANE_LICENSE_PUBLIC_KEY"):
        status_for(replace(config, license_public_key="bm90IGEga2V5"))


def test_public_key_may_name_a_file(tmp_path):
    key_file = tmp_path / "vendor.pub"
    key_file.write_text(PUBLIC_PEM)
    config = licensed_config(Config(data_dir=tmp_path), tmp_path)

    status = status_for(replace(config, license_public_key=str(key_file)))

    assert status.source is LicenseSource.FILE


def test_installed_license_newer_than_file_wins(installed, tmp_path):
    # Given a file license, and a newer one installed through the API
    newer = issue_license(license_id="renewal", features=("eas",))
    install(installed, newer)
    config = licensed_config(
        installed.config, tmp_path, issue_license(issued_ago=timedelta(days=1))
    )

    # When the server starts again
    status = status_for(config)

    # Then the installed one is in force
    assert status.license.license_id == "renewal"
    assert status.source is LicenseSource.INSTALLED


def test_installed_license_needs_public_key_to_count(installed, tmp_path):
    install(installed, issue_license())

    status = status_for(installed.config)

    assert status.license == FREE_LICENSE
    assert problem_codes(status) == [("installed", "LICENSE_KEY_MISSING")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (issue_license(key=STRANGER_KEY), "LICENSE_FORGED"),
        (expired_license(), "LICENSE_EXPIRED"),
    ],
    ids=["forged", "expired"],
)
def test_refused_install_keeps_license_in_force(installed, tmp_path, text, code):
    config = licensed_config(installed.config, tmp_path)
    status = LicenseStatus()

    with pytest.raises(InvalidInput) as refused:
        install(installed, text, config=config, status=status)

    assert (refused.value.code, refused.value.field) == (code, "text")
    assert status.license == FREE_LICENSE
    assert status_for(config).source is LicenseSource.FILE


def test_install_takes_effect_once_committed(installed, tmp_path):
    config = licensed_config(installed.config, tmp_path)
    status = LicenseStatus()

    with pytest.raises(RuntimeError), session_scope(installed.engine) as session:
        install_license(session, config, status, issue_license(), "admin")
        raise RuntimeError("the request failed later")

    assert status.license == FREE_LICENSE


def test_mailbox_cap_overrides_domain_user_limit(installed, tmp_path):
    # Given a license capping the server at 2 mailboxes, and a domain whose
    # own limit allows 100
    capped = build_runtime(
        licensed_config(installed.config, tmp_path, issue_license(mailbox_cap=2)),
        plugin_modules=[],
    )
    add_domain(capped, "a.test", users=("u1",))

    # When a third mailbox is added
    with pytest.raises(LimitReached) as refused, session_scope(capped.engine) as s:
        create_user(s, capped, SYSTEM, UserCreate("u2@a.test", PASSWORD))

    # Then the cap refuses it; a license with a higher cap lets it in at once
    assert refused.value.code == "LICENSE_MAILBOX_CAP"
    install(capped, issue_license(mailbox_cap=3, license_id="more"))
    with session_scope(capped.engine) as session:
        create_user(session, capped, SYSTEM, UserCreate("u2@a.test", PASSWORD))
    capped.engine.dispose()


def install(runtime, text: str, *, config=None, status=None) -> None:
    with session_scope(runtime.engine) as session:
        install_license(
            session,
            config or replace(runtime.config, license_public_key=PUBLIC_PEM),
            status if status is not None else runtime.license_status,
            text,
            "admin",
        )
