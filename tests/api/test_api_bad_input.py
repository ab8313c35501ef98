"""Whatever arrives, the API answers with a clear 4xx in JSON, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.casework.models import Case
from app.extensions import db
from app.staff.accounts import create_staff, issue_token


@pytest.fixture
def tokens(app) -> dict[str, str]:
    create_staff(db.session, "web@example.org", "Council website", "integration")
    create_staff(db.session, "manager@example.org", "Mo Manager", "manager")
    return {role: issue_token(db.session, f"{role}@example.org") for role in ("web", "manager")}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("text", ["Shouted at\x00 by a neighbour", "Shouted at \ud800"])
def test_a_description_no_database_can_store_gets_422(client, tokens, text):
    payload = {"caller_phone": "07911123456", "description": text}
    reply = client.post("/api/v1/reports", json=payload, headers=bearer(tokens["web"]))
    assert reply.status_code == 422 and reply.get_json()["errors"]
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_nul_in_a_field_name_gets_422(client, tokens):
    reply = client.post("/api/v1/reports", json={"descr\x00iption": "x"}, headers=bearer(tokens["web"]))
    assert reply.status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/cases/%00", "/api/v1/cases/HC-%00", "/api/v1/cases/" + "9" * 5000])
def test_a_path_that_cannot_be_a_reference_is_404_json(client, tokens, path):
    reply = client.get(path, headers=bearer(tokens["manager"]))
    assert reply.status_code == 404 and reply.get_json() == {"error": "no such case"}


@pytest.mark.parametrize("task_id", ["99999999999999999999", "2147483648", "0"])
def test_a_task_id_beyond_any_row_is_404_json(client, tokens, task_id):
    reply = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"outcome": "done"}, headers=bearer(tokens["manager"])
    )
    assert reply.status_code == 404 and reply.get_json()["error"]


@pytest.mark.parametrize(
    "body", ["[1, 2]", '"done"', "null", "{", "[" * 50_000, '{"outcome": ["done"]}', '{"note": {}}']
)
def test_a_task_completion_that_is_not_a_proper_object_is_422(client, tokens, body):
    from app.casework.report import Report
    from app.casework.service import open_case
    from app.clock import now

    case = open_case(db.session, Report(kind="hate_crime", channel="web", caller_phone="+447911123456"), now())
    reply = client.post(
        f"/api/v1/tasks/{case.tasks[0].id}/complete",
        data=body,
        content_type="application/json",
        headers=bearer(tokens["manager"]),
    )
    assert reply.status_code == 422 and reply.is_json


def test_json_nested_too_deep_to_read_is_422_for_a_report(client, tokens):
    reply = client.post(
        "/api/v1/reports", data="[" * 50_000, content_type="application/json", headers=bearer(tokens["web"])
    )
    assert reply.status_code == 422 and reply.get_json() == {"errors": {"_payload": "must be a JSON object"}}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/v1/nowhere", 404), ("delete", "/api/v1/cases/HC-123456", 405), ("get", "/api/v1/reports", 405)],
)
def test_errors_outside_the_routes_are_json_too(client, tokens, method, path, status):
    reply = getattr(client, method)(path, headers=bearer(tokens["manager"]))
    assert reply.status_code == status and reply.get_json()["error"]


def test_a_body_over_a_megabyte_is_413_json(client, tokens):
    reply = client.post(
        "/api/v1/reports", data="x" * (1024 * 1024 + 1), content_type="application/json", headers=bearer(tokens["web"])
    )
    assert reply.status_code == 413 and reply.get_json()["error"]


def test_a_token_with_a_nul_or_odd_bytes_is_simply_refused(client, tokens):
    for token in ("abc\x00def", "ÿÿÿÿ", "x" * 10_000):
        reply = client.get("/api/v1/cases/HC-123456", headers=bearer(token))
        assert reply.status_code == 401 and reply.get_json()["error"]
