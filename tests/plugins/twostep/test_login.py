"""Logging in with two-step: challenges, codes, replay, expiry and locks."""

import pytest

from plugins.twostep.challenges import CHALLENGE_LIFETIME, MAX_ATTEMPTS
from plugins.twostep.codes import PERIOD_SECONDS, code_at
from tests.graphql_client import error_codes
from tests.plugins.twostep.conftest import (
    ME,
    complete,
    set_up_authenticator,
    start_login,
)

UPDATE_DOMAIN = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { field code } }
}
"""


@pytest.fixture
def secret(alice, clock) -> str:
    return set_up_authenticator(alice, clock)["secret"]


def test_login_without_two_step_returns_token(client, domain):
    payload = start_login(client, "bob@a.test")

    assert payload["errors"] == []
    assert payload["token"] and payload["twoStepRequired"] is False
    assert payload["challenge"] is None


def test_login_with_two_step_returns_challenge_only(client, secret):
    payload = start_login(client, "alice@a.test")

    assert payload["errors"] == []
    assert payload["token"] is None
    assert payload["twoStepRequired"] is True and payload["challenge"]


def test_complete_login_with_code_gives_working_token(client, secret, clock):
    challenge = start_login(client, "alice@a.test")["challenge"]

    payload = complete(client, challenge, code_at(secret, clock.step))

    assert payload["errors"] == []
    me = client.as_token(payload["token"]).execute(ME)["me"]
    assert me == {"name": "alice@a.test", "role": "USER"}


@pytest.mark.parametrize("offset", [-1, 1], ids=["previous-step", "next-step"])
def test_code_of_neighbouring_step_is_accepted(client, secret, clock, offset):
    clock.advance(PERIOD_SECONDS)
    challenge = start_login(client, "alice@a.test")["challenge"]

    payload = complete(client, challenge, code_at(secret, clock.step + offset))

    assert payload["errors"] == []


def test_code_two_steps_old_is_refused(client, secret, clock):
    challenge = start_login(client, "alice@a.test")["challenge"]

    payload = complete(client, challenge, code_at(secret, clock.step - 2))

    assert payload["errors"] == [{"field": "code", "code": "INVALID_CODE"}]


def test_used_code_is_refused_on_replay(client, secret, clock):
    code = code_at(secret, clock.step)
    first = start_login(client, "alice@a.test")["challenge"]
    assert complete(client, first, code)["errors"] == []

    second = start_login(client, "alice@a.test")["challenge"]
    payload = complete(client, second, code)

    assert error_codes(payload) == ["CODE_ALREADY_USED"]


def test_code_older_than_last_used_is_refused(client, secret, clock):
    first = start_login(client, "alice@a.test")["challenge"]
    assert complete(client, first, code_at(secret, clock.step + 1))["errors"] == []

    second = start_login(client, "alice@a.test")["challenge"]
    payload = complete(client, second, code_at(secret, clock.step))

    assert error_codes(payload) == ["CODE_ALREADY_USED"]


def test_challenge_is_good_for_one_login(client, secret, clock):
    challenge = start_login(client, "alice@a.test")["challenge"]
    complete(client, challenge, code_at(secret, clock.step))
    clock.advance(PERIOD_SECONDS)

    payload = complete(client, challenge, code_at(secret, clock.step))

    assert payload["errors"] == [{"field": "challenge", "code": "CHALLENGE_NOT_FOUND"}]


def test_unknown_challenge_is_not_found(client, secret, clock):
    payload = complete(client, "no-such-challenge", code_at(secret, clock.step))

    assert error_codes(payload) == ["CHALLENGE_NOT_FOUND"]


def test_expired_challenge_refuses_a_right_code(client, secret, clock):
    challenge = start_login(client, "alice@a.test")["challenge"]
    clock.advance(CHALLENGE_LIFETIME.total_seconds())

    payload = complete(client, challenge, code_at(secret, clock.step))

    assert payload["errors"] == [{"field": "challenge", "code": "CHALLENGE_EXPIRED"}]


def test_wrong_codes_lock_the_challenge(client, secret, clock):
    challenge = start_login(client, "alice@a.test")["challenge"]
    wrong = code_at(secret, clock.step + 7)

    refusals = [
        error_codes(complete(client, challenge, wrong)) for _ in range(MAX_ATTEMPTS)
    ]
    right = complete(client, challenge, code_at(secret, clock.step))

    assert refusals == [["INVALID_CODE"]] * (MAX_ATTEMPTS - 1) + [["CHALLENGE_LOCKED"]]
    assert error_codes(right) == ["CHALLENGE_LOCKED"]


def test_malformed_or_unknown_codes_count_as_wrong(client, secret):
    # An unsent mailed code, an unknown recovery code, digits of another script.
    codes = ["", "abc", "1234567", "12345678", "zzzzz-zzzzz", "١٢٣٤٥٦"]
    answers = []
    for pair in (codes[:3], codes[3:]):
        challenge = start_login(client, "alice@a.test")["challenge"]
        answers += [complete(client, challenge, code)["errors"] for code in pair]

    assert answers == [[{"field": "code", "code": "INVALID_CODE"}]] * len(codes)


def test_replayed_codes_count_towards_the_lock(client, secret, clock):
    code = code_at(secret, clock.step)
    complete(client, start_login(client, "alice@a.test")["challenge"], code)
    challenge = start_login(client, "alice@a.test")["challenge"]

    refusals = [
        error_codes(complete(client, challenge, code)) for _ in range(MAX_ATTEMPTS)
    ]

    assert refusals[-1] == ["CHALLENGE_LOCKED"]


def test_new_challenges_stay_locked_after_many_failures(client, secret, clock):
    wrong = code_at(secret, clock.step + 7)
    for _ in range(2):
        challenge = start_login(client, "alice@a.test")["challenge"]
        for _ in range(MAX_ATTEMPTS):
            complete(client, challenge, wrong)

    challenge = start_login(client, "alice@a.test")["challenge"]
    locked = complete(client, challenge, code_at(secret, clock.step))
    clock.advance(16 * 60)
    challenge = start_login(client, "alice@a.test")["challenge"]
    later = complete(client, challenge, code_at(secret, clock.step))

    assert error_codes(locked) == ["CHALLENGE_LOCKED"]
    assert later["errors"] == []


def test_recovery_code_works_once(client, alice, clock):
    codes = set_up_authenticator(alice, clock)["recovery_codes"]
    challenge = start_login(client, "alice@a.test")["challenge"]
    assert complete(client, challenge, codes[0].upper())["errors"] == []

    challenge = start_login(client, "alice@a.test")["challenge"]
    payload = complete(client, challenge, codes[0])

    assert error_codes(payload) == ["INVALID_CODE"]


def test_disabled_domain_status_skips_second_step(client, admin, secret):
    admin.mutate(
        UPDATE_DOMAIN,
        {"name": "a.test", "settings": {"twoStep": {"status": "DISABLED"}}},
    )

    payload = start_login(client, "alice@a.test")

    assert payload["token"] and payload["twoStepRequired"] is False


def test_disabled_user_cannot_complete_login(client, secret, clock, twostep_runtime):
    challenge = start_login(client, "alice@a.test")["challenge"]
    _disable(twostep_runtime, "alice")

    payload = complete(client, challenge, code_at(secret, clock.step))

    assert error_codes(payload) == ["CHALLENGE_NOT_FOUND"]


def _disable(runtime, local_part: str) -> None:
    from sqlalchemy import update

    from core.db import session_scope
    from core.models import User

    with session_scope(runtime.engine) as session:
        session.execute(
            update(User).where(User.local_part == local_part).values(status="disabled")
        )
