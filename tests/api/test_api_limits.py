"""Rate limits on the API: wrong tokens, one token, one address; Twilio's webhooks are never limited."""

from __future__ import annotations

import pytest

from app.api.limits import storage_uri
from app.extensions import db
from app.staff.accounts import create_staff, issue_token
from tests.conftest import RESIDENT
from tests.phone import Phone, Texter

CRM_ADDRESS = {"REMOTE_ADDR": "192.0.2.10"}
PROBER_ADDRESS = {"REMOTE_ADDR": "198.51.100.66"}


@pytest.fixture
def token(app) -> str:
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager")
    return issue_token(db.session, "manager@example.org")


@pytest.fixture
def token_for_role(app):
    def make(role: str) -> str:
        create_staff(db.session, f"{role}@example.org", f"A {role}", role)
        return issue_token(db.session, f"{role}@example.org")

    return make


def lookup(client, token: str, reference: str = "HC-123456", address: dict[str, str] = PROBER_ADDRESS):
    return client.get(f"/api/v1/cases/{reference}", headers={"Authorization": f"Bearer {token}"}, environ_base=address)


def test_the_eleventh_wrong_token_in_a_minute_gets_429_and_locks_guessing_from_that_address_only(client, token):
    statuses = [lookup(client, f"guess-{n}").status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    refused = lookup(client, "guess-after-the-lock")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.get_json() == {"error": "too many requests: wait for the number of seconds in Retry-After"}
    assert lookup(client, "guess-elsewhere", address=CRM_ADDRESS).status_code == 401, "another address is not locked"


def test_someone_guessing_tokens_never_locks_out_the_websites_reports(client, token, token_for_role):
    """Behind a proxy that hides addresses everyone shares one: a valid token still gets through."""
    website = token_for_role("integration")
    assert [lookup(client, f"guess-{n}").status_code for n in range(11)] == [401] * 10 + [429]
    payload = {"caller_phone": "+447911123456", "description": "Abuse shouted in the street", "safe_to_text": False}
    posted = client.post(
        "/api/v1/reports", json=payload, headers={"Authorization": f"Bearer {website}"}, environ_base=PROBER_ADDRESS
    )
    assert posted.status_code == 201
    assert lookup(client, token).status_code == 404, "the manager's lookup is answered too"


def test_walking_references_with_one_token_stops_after_sixty_a_minute(client, token):
    """The issue's figure: 300 lookups in a few seconds, none refused. Now the 61st is."""
    answers = [lookup(client, token, f"HC-{100000 + n}") for n in range(300)]
    assert [answer.status_code for answer in answers] == [404] * 60 + [429] * 240
    assert "Retry-After" not in answers[0].headers, "only a refusal says to wait"
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 60


def test_one_address_is_limited_across_all_its_tokens(app, client):
    tokens = []
    for n in range(3):
        create_staff(db.session, f"m{n}@example.org", "Manager", "manager")
        tokens.append(issue_token(db.session, f"m{n}@example.org"))
    statuses = [lookup(client, tokens[n % 3], f"HC-{100000 + n}").status_code for n in range(121)]
    assert statuses == [404] * 120 + [429]


def test_twilio_webhooks_are_never_limited(client, call_from, token):
    for n in range(11):
        lookup(client, f"guess-{n}", address={"REMOTE_ADDR": "127.0.0.1"})
    assert lookup(client, "guess-again", address={"REMOTE_ADDR": "127.0.0.1"}).status_code == 429
    calls = [call_from(f"+4479111{n:05d}").dial() for n in range(150)]
    assert all(call.response.status_code == 200 and call.hears("999") for call in calls)


def test_a_limit_for_every_view_still_leaves_twilio_webhooks_alone(make_app, settings):
    """Someone adding a default limit (RATELIMIT_DEFAULT) for the whole app must not silence the phone line."""
    app = make_app(RATELIMIT_DEFAULT="2/minute")
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429], "the default limit is in force"
    phones = [Phone(client, settings["PUBLIC_BASE_URL"], settings["TWILIO_AUTH_TOKEN"], RESIDENT) for _ in range(4)]
    assert all(phone.dial().hears("999") for phone in phones)
    texter = Texter(client, settings["PUBLIC_BASE_URL"], settings["TWILIO_AUTH_TOKEN"], RESIDENT)
    assert all(texter.send("HELP") for _ in range(4)), "every text is answered"


def test_every_worker_shares_the_counts_through_redis(make_app, redis_url, token):
    """Two gunicorn workers: wrong tokens counted by one are refused by the other."""
    shared = storage_uri({"REDIS_URL": redis_url})
    first, second = (make_app(RATELIMIT_STORAGE_URI=shared).test_client() for _ in range(2))
    assert [lookup(first, f"guess-{n}").status_code for n in range(10)] == [401] * 10
    assert lookup(second, "guess-10").status_code == 429


def test_with_redis_down_the_api_still_answers_and_still_limits(make_app, token):
    client = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    assert lookup(client, token).status_code == 404
    assert [lookup(client, f"guess-{n}").status_code for n in range(11)] == [401] * 10 + [429]


def test_the_redis_url_becomes_a_limits_storage_uri():
    assert storage_uri({"REDIS_URL": "unix:///srv/redis.sock"}) == "redis+unix:///srv/redis.sock"
    assert storage_uri({"REDIS_URL": "rediss://cache:6380/2"}) == "rediss://cache:6380/2"
    assert storage_uri({"REDIS_URL": "redis://x", "TESTING": True}) == "memory://"
    assert storage_uri({"REDIS_URL": "redis://x", "RATELIMIT_STORAGE_URI": "redis://y"}) == "redis://y"
