"""The mailingLists section, and how it and the list counts reach the
defaults templates, propagation and the domains export through the
registry alone: no code of core names the plugin."""

import csv

from core.db import session_scope
from core.services import exports
from core.services.exports import export_path, request_export
from core.services.propagation import propagate_domain_defaults
from core.services.templates import read_domain_template, update_domain_template
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import (
    SYSTEM,
    domain_row,
    make_domain,
    make_list,
)
from tests.workers.support import request_job, run_job_now

DOMAINS = """
query { domains(first: 5) { nodes {
  name mailingListCount
  settings { mailingLists {
    enabled commandAddress maxLists maxMessageSizeKb priority
  } }
} } }
"""

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { field code } }
}
"""


def test_domain_list_shows_section_defaults(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")

    node = admin.execute(DOMAINS)["domains"]["nodes"][0]

    assert node["mailingListCount"] == 1
    assert node["settings"]["mailingLists"] == {
        "enabled": True,
        "commandAddress": "listserv",
        "maxLists": 0,
        "maxMessageSizeKb": 0,
        "priority": "LOW",
    }


def test_system_admin_sets_list_priority(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")

    payload = admin.mutate(
        UPDATE,
        {"name": "a.test", "settings": {"mailingLists": {"priority": "HIGH"}}},
    )

    assert payload["errors"] == []
    section = domain_row(lists_runtime, "a.test").settings["mailingLists"]
    assert section["priority"] == "high"


def test_update_domain_refuses_bad_command_address(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")

    payload = admin.mutate(
        UPDATE,
        {"name": "a.test", "settings": {"mailingLists": {"commandAddress": "a@b"}}},
    )

    assert [e["field"] for e in payload["errors"]] == [
        "settings.mailingLists.commandAddress"
    ]


def test_domain_admin_cannot_raise_own_limits(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    boss = client.as_token(client.login("admin@a.test", "pw-123456"))

    payload = boss.mutate(
        UPDATE, {"name": "a.test", "settings": {"mailingLists": {"maxLists": 9}}}
    )

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_template_section_reaches_new_domains(lists_runtime):
    # Given a domain defaults template that limits lists
    with session_scope(lists_runtime.engine) as session:
        before = read_domain_template(session, lists_runtime).settings
        update_domain_template(
            session,
            lists_runtime,
            SYSTEM,
            hostname=None,
            settings={"mailingLists": {"max_lists": 3, "enabled": False}},
        )

    # When a domain is created
    domain = make_domain(lists_runtime, "a.test")

    # Then it starts from the template's section
    assert before["mailingLists"]["max_lists"] == 0
    assert domain.settings["mailingLists"]["max_lists"] == 3
    assert domain.settings["mailingLists"]["enabled"] is False


def test_propagation_sets_section_field_on_domains(lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_domain(lists_runtime, "b.test", max_message_size_kb=20)
    with session_scope(lists_runtime.engine) as session:
        update_domain_template(
            session,
            lists_runtime,
            SYSTEM,
            hostname=None,
            settings={"mailingLists": {"max_message_size_kb": 512}},
        )

    with session_scope(lists_runtime.engine) as session:
        outcome = propagate_domain_defaults(
            session, lists_runtime, ["mailingLists.maxMessageSizeKb"]
        )

    assert outcome.changed == 2
    for name in ("a.test", "b.test"):
        section = domain_row(lists_runtime, name).settings["mailingLists"]
        assert section["max_message_size_kb"] == 512


def test_domains_export_has_section_and_counts(lists_runtime):
    # Given a domain with two lists and three subscriptions
    make_domain(lists_runtime, "a.test", max_lists=7)
    make_list(lists_runtime, "news@a.test", subscribers=("x@b.example",))
    make_list(lists_runtime, "team@a.test", subscribers=("y@b.example", "z@b.test"))

    # When the domains are exported
    job_id = request_job(
        lists_runtime,
        lambda session: request_export(
            session, lists_runtime, SYSTEM, exports.EXPORT_DOMAINS
        ),
    )
    run_job_now(lists_runtime, job_id)

    # Then the row has the section's fields, the core count and the plugin's
    path = export_path(lists_runtime.config, job_id)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["mailingListCount"] == "2"
    assert row["mailingListSubscriberCount"] == "3"
    assert row["mailingLists.maxLists"] == "7"
    assert row["mailingLists.enabled"] == "true"
    assert row["mailingLists.commandAddress"] == "listserv"
