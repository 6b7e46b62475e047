"""updateServerSettings taking a gateway off its list: the answer and the audit."""

import pytest

from tests.plugin_support import add_domain

UPDATE = """
mutation Update($input: ServerSettingsUpdateInput!) {
  updateServerSettings(input: $input) {
    serverSettings { outgoingGateways outboundIpv4Addresses }
    errors { field code }
  }
}
"""
GATEWAYS = """
query { domains { nodes { name settings { options { outgoingGateway } } } } }
"""
AUDIT = """
query {
  auditLog(filter: {action: "updateServerSettings"}) {
    nodes { outcome changes { field before after } }
  }
}
"""


@pytest.fixture
def chosen(admin, runtime) -> None:
    """a.test and b.test send through gw1.example, c.test through gw2.example."""
    admin.mutate(UPDATE, {"outgoingGateways": ["gw1.example", "gw2.example"]})
    for name, gateway in [
        ("a.test", "gw1.example"),
        ("b.test", "gw1.example"),
        ("c.test", "gw2.example"),
    ]:
        add_domain(runtime, name, settings={"options": {"outgoing_gateway": gateway}})


def gateways(admin) -> dict[str, str | None]:
    nodes = admin.execute(GATEWAYS)["domains"]["nodes"]
    return {n["name"]: n["settings"]["options"]["outgoingGateway"] for n in nodes}


def test_removing_a_gateway_answers_as_usual(admin, chosen):
    payload = admin.mutate(UPDATE, {"outgoingGateways": ["gw2.example"]})

    assert payload == {
        "serverSettings": {
            "outgoingGateways": ["gw2.example"],
            "outboundIpv4Addresses": [],
        },
        "errors": [],
    }
    assert gateways(admin) == {
        "a.test": None,
        "b.test": None,
        "c.test": "gw2.example",
    }


def test_audit_entry_names_the_cleared_domains(admin, chosen):
    admin.mutate(UPDATE, {"outgoingGateways": ["gw2.example"]})

    entry = admin.execute(AUDIT)["auditLog"]["nodes"][0]
    assert entry["outcome"] == "SUCCEEDED"
    assert {
        "field": "domains.options.outgoingGateway",
        "before": {"a.test": "gw1.example", "b.test": "gw1.example"},
        "after": None,
    } in entry["changes"]


def test_refused_update_clears_nothing(admin, chosen):
    payload = admin.mutate(
        UPDATE, {"outgoingGateways": [], "outboundIpv4Addresses": ["x"]}
    )

    assert [error["code"] for error in payload["errors"]] == ["INVALID"]
    assert gateways(admin)["a.test"] == "gw1.example"
