"""domainDefaults, updateDomainDefaults and propagateDomainDefaults over GraphQL."""

from tests.core.schema.templates.conftest import make_domain
from tests.graphql_client import error_codes

DEFAULTS = """
query {
  domainDefaults {
    hostname
    settings { limits { diskSpaceMb } fakeSync { accounts server } }
  }
}
"""

UPDATE = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) {
    domainDefaults { hostname settings { misc { logoutUrl } fakeSync { server } } }
    errors { field code }
  }
}
"""

PROPAGATE = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) {
    domainsChanged
    preview { domain settings { path before after changes } }
    errors { field code }
  }
}
"""

PROPAGATE_REFUSED = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) {
    domainsChanged
    refused { domain plugin message }
    errors { field code }
  }
}
"""

CREATE = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) { domain { hostname } errors { field code } }
}
"""

# mail.<name> and sync.<name> are 257 characters: too long for a host name.
LONG_NAME = ".".join(["a" * 62] * 3 + ["b" * 58]) + ".test"

DOMAIN = """
query Domain($name: String!) {
  domain(name: $name) { hostname settings { misc { logoutUrl } fakeSync { server } } }
}
"""


def test_domain_defaults_list_core_and_plugin_sections(admin):
    data = admin.execute(DEFAULTS)

    assert data["domainDefaults"] == {
        "hostname": "mail.%domain%",
        "settings": {
            "limits": {"diskSpaceMb": 500},
            "fakeSync": {"accounts": 1, "server": "sync.example.net"},
        },
    }


def test_update_shows_variables_and_spares_domains(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)

    payload = admin.mutate(
        UPDATE,
        {
            "hostname": "mx.%domain%",
            "settings": {
                "misc": {"logoutUrl": "https://%domain%/bye"},
                "fakeSync": {"server": "sync.%domain%"},
            },
        },
    )

    assert payload["errors"] == []
    assert payload["domainDefaults"] == {
        "hostname": "mx.%domain%",
        "settings": {
            "misc": {"logoutUrl": "https://%domain%/bye"},
            "fakeSync": {"server": "sync.%domain%"},
        },
    }
    domain = admin.execute(DOMAIN, {"name": "a.test"})["domain"]
    assert domain["hostname"] == "mail.a.test"
    assert domain["settings"]["misc"]["logoutUrl"] is None


def test_update_rejects_bad_value_with_field_path(admin):
    payload = admin.mutate(UPDATE, {"settings": {"fakeSync": {"accounts": -1}}})

    assert [e["field"] for e in payload["errors"]] == ["settings.fakeSync.accounts"]
    assert admin.execute(DEFAULTS)["domainDefaults"]["settings"]["fakeSync"] == {
        "accounts": 1,
        "server": "sync.example.net",
    }


def test_propagation_dry_run_then_real_run(admin, runtime):
    for name in ("a.test", "b.test"):
        make_domain(runtime, name, users=[], accounts=1)
    admin.mutate(UPDATE, {"settings": {"fakeSync": {"server": "sync.%domain%"}}})
    chosen = {"settings": ["fakeSync.server"]}

    dry = admin.mutate(PROPAGATE, {**chosen, "dryRun": True})
    real = admin.mutate(PROPAGATE, chosen)

    assert dry["domainsChanged"] == 0
    assert dry["preview"][1] == {
        "domain": "b.test",
        "settings": [
            {
                "path": "fakeSync.server",
                "before": "sync.example.net",
                "after": "sync.b.test",
                "changes": True,
            }
        ],
    }
    assert (real["errors"], real["domainsChanged"], real["preview"]) == ([], 2, [])
    domain = admin.execute(DOMAIN, {"name": "b.test"})["domain"]
    assert domain["settings"]["fakeSync"]["server"] == "sync.b.test"


def test_create_refuses_name_breaking_hostname_pattern(admin):
    new = {"name": LONG_NAME, "adminUsername": "boss", "adminPassword": "pw-123456"}

    refused = admin.mutate(CREATE, new)
    created = admin.mutate(CREATE, {**new, "hostname": "mx.example.net"})

    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("name", "TEMPLATE_VALUE_INVALID")
    ]
    assert (created["errors"], created["domain"]) == (
        [],
        {"hostname": "mx.example.net"},
    )


def test_propagation_reports_domain_its_value_breaks(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    new = {"name": LONG_NAME, "adminUsername": "boss", "adminPassword": "pw-123456"}
    admin.mutate(CREATE, {**new, "hostname": "mx.example.net"})
    admin.mutate(UPDATE, {"settings": {"fakeSync": {"server": "sync.%domain%"}}})

    result = admin.mutate(PROPAGATE_REFUSED, {"settings": ["fakeSync.server"]})

    assert (result["errors"], result["domainsChanged"]) == ([], 1)
    assert [(r["domain"], r["plugin"]) for r in result["refused"]] == [
        (LONG_NAME, "core")
    ]
    domain = admin.execute(DOMAIN, {"name": LONG_NAME})["domain"]
    assert domain["settings"]["fakeSync"]["server"] == "sync.example.net"


def test_unknown_setting_path_is_an_error(admin):
    payload = admin.mutate(PROPAGATE, {"settings": ["limits", "limits.colour"]})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("settings.1", "UNKNOWN_SETTING")
    ]


def test_domain_admin_may_not_touch_domain_defaults(domain_admin):
    query = domain_admin.raw(DEFAULTS)
    update = domain_admin.mutate(UPDATE, {"hostname": "mx.%domain%"})
    propagate = domain_admin.mutate(PROPAGATE, {"settings": ["limits"]})

    assert query["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert error_codes(update) == ["PERMISSION_DENIED"]
    assert error_codes(propagate) == ["PERMISSION_DENIED"]


def test_preview_spells_values_as_domain_settings_show_them(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    admin.mutate(UPDATE, {"settings": {"email": {"forwardingExclusions": "HIGH"}}})

    whole = admin.mutate(PROPAGATE, {"settings": ["email"], "dryRun": True})
    one = admin.mutate(
        PROPAGATE, {"settings": ["email.forwardingExclusions"], "dryRun": True}
    )

    (section,) = whole["preview"][0]["settings"]
    assert section["before"] == {
        "autoresponderExclusions": "NONE",
        "forwardingExclusions": "NONE",
        "inboundDelivery": "LOCAL",
        "inboundHost": None,
        "deliverLocallyIfUserExists": False,
        "disableGreylisting": False,
    }
    assert section["after"] == {**section["before"], "forwardingExclusions": "HIGH"}
    assert one["preview"][0]["settings"] == [
        {
            "path": "email.forwardingExclusions",
            "before": "NONE",
            "after": "HIGH",
            "changes": True,
        }
    ]


def test_unknown_spelling_of_a_path_is_refused_naming_the_field(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)

    query = PROPAGATE.replace("errors { field code }", "errors { field code message }")
    payload = admin.mutate(query, {"settings": ["limits.disk_space_mb"]})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("settings.0", "UNKNOWN_SETTING")
    ]
    assert "'limits.diskSpaceMb'" in payload["errors"][0]["message"]


def test_bad_enum_value_names_the_choices_as_the_api_spells_them(admin):
    query = UPDATE.replace("errors { field code }", "errors { field message }")

    payload = admin.mutate(query, {"settings": {"email": {"inboundDelivery": None}}})

    assert payload["errors"] == [
        {
            "field": "settings.email.inboundDelivery",
            "message": "settings.email.inboundDelivery: expected one of LOCAL, "
            "EXTERNAL_MX, EXTERNAL_HOST.",
        }
    ]


def test_bad_hostname_pattern_is_named_as_typed(admin):
    query = UPDATE.replace("errors { field code }", "errors { field code message }")

    payload = admin.mutate(query, {"hostname": "mx .%domain%"})

    assert payload["errors"] == [
        {
            "field": "hostname",
            "code": "INVALID_DOMAIN",
            "message": "'mx .%domain%' is not a valid host name pattern.",
        }
    ]
    assert admin.execute(DEFAULTS)["domainDefaults"]["hostname"] == "mail.%domain%"
