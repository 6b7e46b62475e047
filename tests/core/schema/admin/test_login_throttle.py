"""Brute force through GraphQL: aliases count as attempts, batches are refused."""

from tests.core.schema.admin.documents import PASSWORD

FIELD = 'a{n}: login(input: {{username: "{user}", password: "{password}"}}) '
FIELD += "{{ token errors {{ code field }} }}"
ONE = 'mutation { login(input: {username: "$u", password: "$p"}) { token } }'


def _aliased(user: str, passwords: list[str]) -> str:
    fields = [
        FIELD.format(n=n, user=user, password=password)
        for n, password in enumerate(passwords)
    ]
    return "mutation { " + " ".join(fields) + " }"


def _codes(client, user: str, passwords: list[str]) -> list[str | None]:
    data = client.execute(_aliased(user, passwords))
    payloads = [data[f"a{n}"] for n in range(len(passwords))]
    return [p["errors"][0]["code"] if p["errors"] else None for p in payloads]


def test_aliased_logins_are_throttled_like_separate(client, domains):
    codes = _codes(client, "boss@a.test", ["wrong"] * 6 + [PASSWORD])

    assert codes == ["INVALID_CREDENTIALS"] * 3 + ["TOO_MANY_ATTEMPTS"] * 4


def test_unknown_account_is_throttled_the_same(client, domains):
    known = _codes(client, "boss@a.test", ["wrong"] * 5)
    unknown = _codes(client, "ghost@a.test", ["wrong"] * 5)

    assert unknown == known


def test_throttled_attempt_reveals_nothing_but_wait(client, domains):
    data = client.execute(_aliased("boss@a.test", ["wrong"] * 4))

    assert data["a3"] == {
        "token": None,
        "errors": [{"code": "TOO_MANY_ATTEMPTS", "field": None}],
    }


def test_locked_account_refuses_right_password(client, domains, clock):
    for _ in range(10):
        _codes(client, "boss@a.test", ["wrong"])
        clock(61)

    locked = _codes(client, "boss@a.test", [PASSWORD])
    clock(15 * 60)
    unlocked = _codes(client, "boss@a.test", [PASSWORD])

    assert (locked, unlocked) == (["TOO_MANY_ATTEMPTS"], [None])


def test_batched_login_attempts_are_refused(client, domains):
    attempt = {"query": ONE.replace("$u", "boss@a.test").replace("$p", "wrong")}

    response = client.http.post("/graphql", json=[attempt] * 10)

    assert response.status_code == 400
    assert _codes(client, "boss@a.test", [PASSWORD]) == [None]


def test_throttled_attempts_show_in_audit_log(admin, client, domains):
    _codes(client, "boss@a.test", ["wrong"] * 4)

    entries = admin.execute(
        'query { auditLog(filter: {action: "login"}) { nodes { errorCode target } } }'
    )["auditLog"]["nodes"]

    assert [entry["errorCode"] for entry in entries[:4]] == [
        "TOO_MANY_ATTEMPTS",
        "INVALID_CREDENTIALS",
        "INVALID_CREDENTIALS",
        "INVALID_CREDENTIALS",
    ]
    assert {entry["target"] for entry in entries[:4]} == {"boss@a.test"}
