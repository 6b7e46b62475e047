"""The license query and installLicense over GraphQL."""

import json
from dataclasses import replace

import pytest

import plugins.eas
import plugins.mapi_ews
from core.licensing.signing import sign_payload
from core.runtime import build_runtime
from tests.graphql_client import error_codes
from tests.plugin_support import (
    PASSWORD,
    PRIVATE_KEY,
    PUBLIC_PEM,
    STRANGER_KEY,
    add_domain,
    expired_license,
    forget_installed_license,
    issue_license,
    licensed_config,
    schema_for,
)

LICENSE = """
query {
  license {
    licenseId edition features mailboxCap mailboxesUsed expired source
    problems { source code }
  }
}
"""

INSTALL = """
mutation Install($input: LicenseInstallInput!) {
  installLicense(input: $input) {
    license { licenseId edition features mailboxCap source }
    restartNeededFor
    errors { field code message }
  }
}
"""


@pytest.fixture
def license_file() -> str | None:
    """The license file the server starts with; tests parametrize it."""
    return None


@pytest.fixture
def server(runtime, license_file):
    """A server with the Enterprise plugins and the test public key."""
    config = replace(runtime.config, license_public_key=PUBLIC_PEM)
    if license_file is not None:
        config = licensed_config(config, runtime.config.data_dir, license_file)
    started = build_runtime(config, plugin_modules=[plugins.eas, plugins.mapi_ews])
    yield started
    forget_installed_license(started)
    started.engine.dispose()


@pytest.fixture
def app(server):
    from core.app import create_app

    return create_app(server, schema=schema_for(server))


def test_license_query_shows_free_edition_without_license(admin):
    license = admin.execute(LICENSE)["license"]

    assert license["edition"] == "FREE"
    assert license["source"] == "NONE"
    assert license["mailboxCap"] is None
    assert license["mailboxesUsed"] == 0


def test_install_license_puts_it_in_force(admin, server):
    # When the system administrator installs an enterprise license
    payload = admin.mutate(INSTALL, {"text": issue_license(mailbox_cap=50)})

    # Then it is in force now, and its plugins load at the next start
    assert payload["errors"] == []
    assert payload["license"]["edition"] == "ENTERPRISE"
    assert payload["license"]["source"] == "INSTALLED"
    assert payload["restartNeededFor"] == ["eas", "mapi_ews"]
    license = admin.execute(LICENSE)["license"]
    assert (license["edition"], license["mailboxCap"]) == ("ENTERPRISE", 50)
    restarted = build_runtime(server.config, plugin_modules=[plugins.eas])
    assert restarted.plugins.is_active("eas")
    restarted.engine.dispose()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (issue_license(key=STRANGER_KEY), "LICENSE_FORGED"),
        (expired_license(), "LICENSE_EXPIRED"),
        ("{}", "LICENSE_MALFORMED"),
        (
            sign_payload(
                json.loads(issue_license())["license"] | {"edition": "gold"},
                PRIVATE_KEY,
            ),
            "LICENSE_UNKNOWN_EDITION",
        ),
    ],
    ids=["forged", "expired", "malformed", "unknown-edition"],
)
def test_refused_license_keeps_the_old_one(admin, text, code):
    admin.mutate(INSTALL, {"text": issue_license(license_id="old")})

    payload = admin.mutate(INSTALL, {"text": text})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("text", code)]
    assert admin.execute(LICENSE)["license"]["licenseId"] == "old"


def test_altered_license_is_refused_on_install(admin):
    document = json.loads(issue_license(features=("eas",)))
    document["license"]["features"] = ["eas", "mapi_ews"]

    payload = admin.mutate(INSTALL, {"text": json.dumps(document)})

    assert error_codes(payload) == ["LICENSE_FORGED"]
    assert admin.execute(LICENSE)["license"]["edition"] == "FREE"


def test_install_license_refused_for_domain_admin(client, runtime):
    add_domain(runtime, "a.test")
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = domain_admin.mutate(INSTALL, {"text": issue_license()})

    assert error_codes(payload) == ["PERMISSION_DENIED"]


@pytest.mark.parametrize(
    "license_file", [issue_license(key=STRANGER_KEY)], ids=["forged"]
)
def test_license_query_lists_licenses_refused_at_start(admin):
    license = admin.execute(LICENSE)["license"]

    assert license["edition"] == "FREE"
    assert license["problems"] == [{"source": "FILE", "code": "LICENSE_FORGED"}]


@pytest.mark.parametrize("license_file", [issue_license(mailbox_cap=10)], ids=["cap"])
def test_license_query_counts_mailboxes_against_cap(admin, server):
    add_domain(server, "a.test", users=("u1", "u2"))

    license = admin.execute(LICENSE)["license"]

    assert (license["mailboxCap"], license["mailboxesUsed"]) == (10, 3)
    assert license["source"] == "FILE" and license["expired"] is False
