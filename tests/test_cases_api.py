import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.models import ReturnCase
from app.cases.service import check_reference, generate_reference
from tests.factories import bearer, make_user, new_id

CASE_ROUTES = [
    ("GET", "/api/v1/cases"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/00000000-0000-0000-0000-000000000000"),
    ("POST", "/api/v1/cases/00000000-0000-0000-0000-000000000000/workers"),
    ("GET", "/api/v1/sync/cases"),
    ("POST", "/api/v1/sync/cases"),
]


@pytest.mark.parametrize(("method", "path"), CASE_ROUTES)
def test_every_case_route_needs_a_session(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def _create(client: TestClient, headers: dict[str, str], **body: object) -> dict:
    payload = {"country": "AL", "checklists": [{"id": new_id(), "template_slug": "pre-return"}]}
    payload.update(body)
    response = client.post("/api/v1/cases", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_list_and_read_a_case(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    case = _create(client, headers)
    assert case["reference"].startswith("HW-")
    assert case["country"] == "AL" and case["stage"] == "preparing"
    (checklist,) = case["checklists"]
    assert checklist["template_slug"] == "pre-return"
    assert checklist["guidance_updated"] is False
    assert [c["id"] for c in client.get("/api/v1/cases", headers=headers).json()] == [case["id"]]
    one = client.get(f"/api/v1/cases/{case['id']}", headers=headers)
    assert one.status_code == 200 and one.json()["id"] == case["id"]
    assert one.headers["cache-control"] == "no-store"


def test_a_worker_cannot_see_or_change_another_workers_case(
    client: TestClient, session: Session
) -> None:
    mine = bearer(client, make_user(session))
    theirs = bearer(client, make_user(session))
    case = _create(client, mine)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=theirs).status_code == 404
    assert client.get("/api/v1/cases", headers=theirs).json() == []
    assert (
        client.post(
            f"/api/v1/cases/{case['id']}/workers", json={"email": "x@example.org"}, headers=theirs
        ).status_code
        == 404
    )
    push = client.post(
        "/api/v1/sync/cases",
        headers=theirs,
        json={
            "device_id": "device-theirs-1",
            "mutations": [
                {
                    "id": new_id(), "seq": 1, "type": "update_case", "case_id": case["id"],
                    "clock": 99, "stage": "closed",
                }
            ],
        },
    )  # fmt: skip
    assert push.json()["results"][0]["status"] == "rejected"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=mine).json()["stage"] == "preparing"
    pulled = client.get("/api/v1/sync/cases", headers=theirs).json()
    assert pulled["cases"] == []


def test_assigning_a_colleague_shares_the_case(client: TestClient, session: Session) -> None:
    me = bearer(client, make_user(session))
    colleague = make_user(session)
    case = _create(client, me)
    response = client.post(
        f"/api/v1/cases/{case['id']}/workers", json={"email": colleague.email}, headers=me
    )
    assert response.status_code == 200
    assert colleague.email in response.json()["workers"]
    theirs = bearer(client, colleague)
    assert client.get(f"/api/v1/cases/{case['id']}", headers=theirs).status_code == 200


@pytest.mark.parametrize(
    "reference",
    ["MARIA-7", "JOHN-SMITH", "HW-0712345678", "+44-7700-900", "1990-05-12", "12-05-1990",
     "19900512", "AB", "NO DIGITS", "DOB-120590", "C-12-05-90", "X-5.12.1990", "R-900512"],
)  # fmt: skip
def test_references_that_look_like_names_phones_or_birthdates_are_refused(
    client: TestClient, session: Session, reference: str
) -> None:
    headers = bearer(client, make_user(session))
    response = client.post(
        "/api/v1/cases", json={"country": "AL", "reference": reference}, headers=headers
    )
    assert response.status_code == 400, reference
    assert response.json()["field"] == "reference"


@pytest.mark.parametrize("reference", ["HW-3K7P", "ALB-042", "C-7", "T4-2026"])
def test_pseudonymous_references_are_accepted(
    client: TestClient, session: Session, reference: str
) -> None:
    headers = bearer(client, make_user(session))
    assert _create(client, headers, reference=reference)["reference"] == reference


def test_generated_references_pass_the_check() -> None:
    for _ in range(200):
        assert check_reference(generate_reference()) is None


def test_unknown_country_and_template_are_refused(client: TestClient, session: Session) -> None:
    headers = bearer(client, make_user(session))
    assert client.post("/api/v1/cases", json={"country": "XX"}, headers=headers).status_code == 400
    bad_template = client.post(
        "/api/v1/cases",
        json={"country": "AL", "checklists": [{"id": new_id(), "template_slug": "nope"}]},
        headers=headers,
    )
    assert bad_template.status_code == 400


def test_the_case_model_has_no_field_that_could_name_a_person() -> None:
    from app.accounts.models import User
    from app.cases.models import CaseNote
    from app.cases.sync.models import Device

    forbidden = {"name", "first_name", "last_name", "phone", "address", "birth", "dob"}
    for model in (ReturnCase, CaseNote, Device, User):
        for column in model.__table__.columns:  # type: ignore[attr-defined]
            assert not any(word in column.name for word in forbidden), column.name
