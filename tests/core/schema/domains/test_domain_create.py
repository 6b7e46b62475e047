"""createDomain: the domain, its folder and administrator, or nothing at all."""

import pytest

from tests.conftest import with_config
from tests.core.schema.domains.conftest import CREATE, PASSWORD
from tests.graphql_client import error_codes

SETTINGS = """
query One($name: String!) {
  domain(name: $name) {
    name status hostname folder primaryAdmin userCount
    settings {
      limits {
        diskSpaceMb users userAliases domainAliases maxMessageSizeKb
        recipientsPerMessage
      }
      throttling {
        outgoingMessagesPerHour messageAction outgoingBandwidthMbPerHour
        bandwidthAction bouncesPerHour bouncesAction standardPriority
      }
    }
  }
}
"""


def _input(**changes) -> dict:
    return (
        {"name": "example.com", "adminUsername": "jdoe"}
        | {"adminPassword": PASSWORD}
        | changes
    )


def test_create_domain_uses_reference_defaults(admin, config):
    payload = admin.mutate(CREATE, _input(name="Example.COM"))

    assert payload["errors"] == []
    domain = admin.execute(SETTINGS, {"name": "example.com"})["domain"]
    assert domain["status"] == "ENABLED"
    assert domain["hostname"] == "mail.example.com"
    assert domain["folder"] == str((config.data_dir / "domains/example.com").resolve())
    assert domain["primaryAdmin"] == "jdoe@example.com"
    assert domain["userCount"] == 1
    assert domain["settings"]["limits"] == {
        "diskSpaceMb": 500,
        "users": 100,
        "userAliases": 1000,
        "domainAliases": 2,
        "maxMessageSizeKb": 10000,
        "recipientsPerMessage": 200,
    }
    assert domain["settings"]["throttling"] == {
        "outgoingMessagesPerHour": 5000,
        "messageAction": "DELAY",
        "outgoingBandwidthMbPerHour": 100,
        "bandwidthAction": "DELAY",
        "bouncesPerHour": 1000,
        "bouncesAction": "REJECT",
        "standardPriority": "NORMAL",
    }
    assert (config.data_dir / "domains/example.com/jdoe").is_dir()


def test_create_domain_encodes_international_names(admin):
    payload = admin.mutate(CREATE, _input(name="Bücher.Example"))

    assert payload["errors"] == []
    assert payload["domain"]["name"] == "xn--bcher-kva.example"


def test_create_domain_accepts_folder_under_extra_root(admin, tmp_path, runtime):
    root = tmp_path / "mail-root"
    root.mkdir()
    runtime.config = with_config(runtime.config, domain_roots=(root,))

    payload = admin.mutate(CREATE, _input(folder=str(root / "ex")))

    assert payload["errors"] == []
    assert payload["domain"]["folder"] == str((root / "ex").resolve())
    assert (root / "ex" / "jdoe").is_dir()


def test_create_domain_lets_admin_log_in(admin, client):
    admin.mutate(CREATE, _input())

    token = client.login("jdoe@example.com", PASSWORD)

    me = client.as_token(token).execute("{ me { role name domain } }")["me"]
    assert me == {
        "role": "DOMAIN_ADMIN",
        "name": "jdoe@example.com",
        "domain": "example.com",
    }


BAD_NAMES = [
    pytest.param("localhost", id="single-label"),
    pytest.param("exa mple.com", id="space"),
    pytest.param("a/b.com", id="slash"),
    pytest.param("a\\b.com", id="backslash"),
    pytest.param("..", id="dots"),
    pytest.param("../etc.com", id="parent"),
    pytest.param("-bad.com", id="leading-hyphen"),
    pytest.param("bad-.com", id="trailing-hyphen"),
    pytest.param("ex_ample.com", id="underscore"),
    pytest.param("a" * 64 + ".com", id="label-too-long"),
    pytest.param(".".join(["a" * 60] * 5) + ".com", id="name-too-long"),
    pytest.param("example.123", id="numeric-tld"),
    pytest.param("xn--zz.com", id="bad-punycode"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_create_domain_rejects_bad_names(admin, snapshot, name):
    before = snapshot()

    payload = admin.mutate(CREATE, _input(name=name))

    assert error_codes(payload) == ["INVALID_DOMAIN"]
    assert payload["errors"][0]["field"] == "name"
    assert snapshot() == before


def test_create_domain_rejects_duplicate_name(admin, snapshot):
    admin.mutate(CREATE, _input())
    before = snapshot()

    payload = admin.mutate(CREATE, _input(name="EXAMPLE.com", adminUsername="other"))

    assert error_codes(payload) == ["DOMAIN_EXISTS"]
    assert snapshot() == before


BAD_INPUTS = [
    pytest.param({"adminPassword": "short"}, "WEAK_PASSWORD", id="weak-password"),
    pytest.param({"adminUsername": "a/b"}, "INVALID_ADDRESS", id="username-slash"),
    pytest.param({"adminUsername": ".hidden"}, "INVALID_ADDRESS", id="username-dot"),
    pytest.param({"adminUsername": "a@b"}, "INVALID_ADDRESS", id="username-at"),
    pytest.param({"hostname": "bad host"}, "INVALID_DOMAIN", id="hostname"),
    pytest.param({"folder": "/etc/mail"}, "FOLDER_NOT_ALLOWED", id="outside-roots"),
    pytest.param({"folder": "domains/../../x"}, "FOLDER_NOT_ALLOWED", id="escapes"),
    pytest.param({"folder": "domains"}, "FOLDER_NOT_ALLOWED", id="root-itself"),
    pytest.param({"folder": "a\x00b"}, "FOLDER_NOT_ALLOWED", id="nul"),
]


@pytest.mark.parametrize(("changes", "code"), BAD_INPUTS)
def test_create_domain_rejects_bad_input(admin, snapshot, changes, code):
    before = snapshot()

    payload = admin.mutate(CREATE, _input(**changes))

    assert error_codes(payload) == [code]
    assert snapshot() == before


FOLDER_CLASHES = [
    pytest.param("domains/example.com", id="same"),
    pytest.param("domains/example.com/inner", id="inside-other"),
    pytest.param("domains", id="contains-other-root"),
]


@pytest.mark.parametrize("folder", FOLDER_CLASHES)
def test_create_domain_rejects_other_domains_folder(admin, snapshot, folder):
    admin.mutate(CREATE, _input())
    before = snapshot()

    payload = admin.mutate(CREATE, _input(name="other.com", folder=folder))

    assert error_codes(payload)[0] in {"FOLDER_TAKEN", "FOLDER_NOT_ALLOWED"}
    assert snapshot() == before


def test_create_domain_rejects_folder_containing_other(admin, snapshot):
    admin.mutate(CREATE, _input(folder="domains/group/example.com"))
    before = snapshot()

    payload = admin.mutate(CREATE, _input(name="other.com", folder="domains/group"))

    assert error_codes(payload) == ["FOLDER_TAKEN"]
    assert snapshot() == before


def test_create_domain_undoes_folder_when_hook_fails(
    admin, runtime, snapshot, monkeypatch
):
    before = snapshot()

    def fail(**_kwargs):
        raise RuntimeError("a plugin broke")

    monkeypatch.setattr(runtime.plugins, "after_domain_create", fail)
    body = admin.raw(CREATE, {"input": _input()})

    assert body["errors"][0]["message"] == "Unexpected error."
    assert snapshot() == before


def test_create_domain_refuses_domain_admin(domain_admin, snapshot):
    before = snapshot()

    payload = domain_admin.mutate(CREATE, _input(name="other.com"))

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    assert snapshot() == before


def test_create_domain_refuses_anonymous_caller(client, snapshot):
    before = snapshot()

    payload = client.mutate(CREATE, _input())

    assert error_codes(payload) == ["UNAUTHENTICATED"]
    assert snapshot() == before
