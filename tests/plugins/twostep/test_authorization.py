"""Who may call each two-step operation: the declared rules, and refusals."""

import pytest

import plugins.twostep
from plugins.twostep.schema import OPERATION_RULES
from tests.conftest import cached_schema


def call(name: str, input: str = "") -> str:
    arguments = f"(input: {{{input}}})" if input else ""
    return f"{name}{arguments} {{ errors {{ code }} }}"


ACCOUNT_CALLS = {
    "beginTwoStepSetup": call("beginTwoStepSetup"),
    "confirmTwoStepSetup": call("confirmTwoStepSetup", 'code: "123456"'),
    "setTwoStepRecoveryEmail": call("setTwoStepRecoveryEmail", 'email: "b@a.test"'),
    "confirmTwoStepRecoveryEmail": call("confirmTwoStepRecoveryEmail", 'code: "1"'),
    "regenerateRecoveryCodes": call("regenerateRecoveryCodes"),
    "createAppPassword": call("createAppPassword", 'name: "x"'),
}
MEMBER_CALLS = {
    "revokeAppPassword": call("revokeAppPassword", 'id: "1"'),
    "resetTwoStep": call("resetTwoStep", 'email: "alice@a.test"'),
}


def test_rules_name_every_plugin_operation(runtime, twostep_runtime):
    ours = _operations(twostep_runtime) - _operations(runtime)

    declared = twostep_runtime.plugins.operation_rules()

    assert ours == set(OPERATION_RULES)
    assert {name: declared[name] for name in ours} == {
        name: frozenset(roles) for name, roles in OPERATION_RULES.items()
    }
    assert plugins.twostep.PLUGIN_INFO.feature is None


def _operations(runtime) -> set[str]:
    graphql = cached_schema(runtime)._schema
    return {
        name
        for root in (graphql.query_type, graphql.mutation_type)
        for name in root.fields
    }


def test_anonymous_callers_are_refused(client, domain):
    calls = ACCOUNT_CALLS | MEMBER_CALLS

    answers = {name: _errors(client, name, call) for name, call in calls.items()}

    assert answers == {key: [{"code": "UNAUTHENTICATED"}] for key in calls}


def test_system_admin_has_no_own_account(admin, domain):
    answers = {name: _errors(admin, name, c) for name, c in ACCOUNT_CALLS.items()}

    assert answers == {key: [{"code": "PERMISSION_DENIED"}] for key in ACCOUNT_CALLS}


def _errors(client, name: str, call: str) -> list:
    return client.raw(f"mutation {{ {call} }}")["data"][name]["errors"]


@pytest.mark.parametrize(
    "query",
    ["twoStep { active }", "appPasswords { totalCount }"],
    ids=["twoStep", "appPasswords"],
)
def test_anonymous_queries_are_refused(client, domain, query):
    body = client.raw(f"query {{ {query} }}")

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
