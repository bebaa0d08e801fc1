"""A pull page, and a case listing, cost a bounded number of SQL statements whatever the
number of cases on it (issue #10: a page of 50 cases took about 270, one case at a time)."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from tests.factories import bearer, make_user, new_id


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _cases(client: TestClient, headers: dict[str, str], n: int) -> None:
    for _ in range(n):
        checklists = [
            {"id": new_id(), "template_slug": "pre-return"},
            {"id": new_id(), "template_slug": "arrival"},
        ]
        r = client.post(
            "/api/v1/cases", json={"country": "AL", "checklists": checklists}, headers=headers
        )
        assert r.status_code == 201, r.text
        case_id = r.json()["id"]
        note = {
            "id": new_id(),
            "seq": 1,
            "type": "add_note",
            "case_id": case_id,
            "note_id": new_id(),
            "body": "a note",
        }
        pushed = client.post(
            "/api/v1/sync/cases",
            json={"device_id": "device-" + new_id()[:8], "mutations": [note]},
            headers=headers,
        )
        assert pushed.json()["results"][0]["status"] == "applied"


def _statements(client: TestClient, engine: Engine, headers: dict[str, str], path: str) -> int:
    client.get(path, headers=headers)  # the session's last-seen time is written once a minute
    with counting(engine) as statements:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, r.text
    return len(statements)


def test_a_pull_page_costs_the_same_number_of_statements_for_3_or_30_cases(
    client: TestClient, session: Session, engine: Engine
) -> None:
    few, many = bearer(client, make_user(session)), bearer(client, make_user(session))
    _cases(client, few, 3)
    _cases(client, many, 30)
    for path in ("/api/v1/sync/cases?limit=50", "/api/v1/cases"):
        small = _statements(client, engine, few, path)
        large = _statements(client, engine, many, path)
        assert large == small, (path, small, large)
        assert large < 40, (path, large)
