"""sendMassEmail, sendNotification and the notifications of the caller."""

import pytest

from tests.graphql_client import error_codes
from tests.workers.support import inbox_messages, wait_for_job

SEND_MAIL = """
mutation Send($input: SendMassEmailInput!) {
  sendMassEmail(input: $input) {
    job { id kind state }
    errors { field code }
  }
}
"""
NOTIFY = """
mutation Notify($input: SendNotificationInput!) {
  sendNotification(input: $input) { job { id kind } errors { field code } }
}
"""
NOTIFICATIONS = """
query Mine($unread: Boolean!) {
  notifications(first: 10, unreadOnly: $unread) {
    totalCount
    nodes { id subject body read readAt createdAt }
  }
}
"""
MARK_READ = """
mutation Read($input: MarkNotificationReadInput!) {
  markNotificationRead(input: $input) {
    notification { id read readAt }
    errors { field code }
  }
}
"""
JOB_RESULT = "query Job($id: ID!) { job(id: $id) { state result } }"


def test_send_mass_email_delivers_to_the_domain(boss, runtime, domain_a):
    payload = boss.mutate(
        SEND_MAIL,
        {
            "from": "Boss <boss@a.test>",
            "to": "DOMAIN_USERS",
            "domain": "a.test",
            "toFriendlyName": "A Test User",
            "subject": "Hello",
            "body": "<p>Hi</p>",
            "html": True,
        },
    )

    assert payload["errors"] == []
    assert payload["job"]["kind"] == "send_mass_email"
    wait_for_job(runtime, int(payload["job"]["id"]))
    job = boss.execute(JOB_RESULT, {"id": payload["job"]["id"]})["job"]
    assert job["state"] == "SUCCEEDED"
    assert job["result"]["delivered"] == 4
    assert len(inbox_messages(domain_a, "user00002")) == 1


@pytest.mark.parametrize(
    ("fields", "codes"),
    [
        ({"to": "ALL_USERS"}, ["PERMISSION_DENIED"]),
        ({"to": "ALL_DOMAIN_ADMINS"}, ["PERMISSION_DENIED"]),
        ({"to": "DOMAIN_USERS", "domain": "b.test"}, ["DOMAIN_NOT_FOUND"]),
        ({"to": "USER", "user": "user00000@b.test"}, ["USER_NOT_FOUND"]),
        ({"to": "USER"}, ["REQUIRED"]),
    ],
    ids=["all-users", "all-admins", "other-domain", "other-user", "no-user"],
)
def test_domain_admins_send_only_within_their_domain(
    boss, domain_a, domain_b, fields, codes
):
    mail = boss.mutate(SEND_MAIL, {"subject": "S", "body": "B", **fields})
    notice = boss.mutate(NOTIFY, {"subject": "S", "body": "B", **fields})

    assert error_codes(mail) == error_codes(notice) == codes
    assert mail["job"] is notice["job"] is None


def test_users_may_not_send(user, domain_a):
    payload = user.mutate(
        NOTIFY, {"to": "DOMAIN_USERS", "domain": "a.test", "subject": "S", "body": "B"}
    )

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_mass_email_input_errors_name_their_fields(admin, domain_a):
    payload = admin.mutate(
        SEND_MAIL, {"to": "ALL_USERS", "subject": "", "body": " ", "from": "a\nb"}
    )

    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("subject", "REQUIRED"),
        ("body", "REQUIRED"),
        ("from", "INVALID"),
    }


def test_users_read_and_mark_their_notifications(admin, user, runtime, domain_a):
    payload = admin.mutate(
        NOTIFY, {"to": "ALL_USERS", "subject": "Maintenance", "body": "At ten."}
    )
    wait_for_job(runtime, int(payload["job"]["id"]))
    [unread] = user.execute(NOTIFICATIONS, {"unread": True})["notifications"]["nodes"]

    marked = user.mutate(MARK_READ, {"id": unread["id"]})
    by_admin = admin.mutate(MARK_READ, {"id": unread["id"]})

    assert (unread["subject"], unread["body"], unread["read"]) == (
        "Maintenance",
        "At ten.",
        False,
    )
    assert marked["notification"]["read"] is True and marked["notification"]["readAt"]
    assert error_codes(by_admin) == ["NOTIFICATION_NOT_FOUND"]
    mine = user.execute(NOTIFICATIONS, {"unread": True})["notifications"]
    assert mine["totalCount"] == 0
    assert (
        user.execute(NOTIFICATIONS, {"unread": False})["notifications"]["totalCount"]
        == 1
    )
