"""Issue #8: "Guidance updated — review" reaches a phone that already holds the case. When the
guidance behind a checklist changes (``homeward seed`` today), every case with a checklist from
that template enters the case change feed, so the next pull brings it again, flagged."""

import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.cases.service import record_guidance_change
from app.content.seed import seed
from app.core.config import PROJECT_ROOT
from tests.factories import bearer, make_user, new_id
from tests.sync_sim import SimDevice

CONTENT = PROJECT_ROOT / "app" / "guidance"


def _pull_page(phone: SimDevice) -> dict[str, Any]:
    """One pull from the phone's cursor, without moving it."""
    params = {"limit": 100, **({"since": phone.cursor} if phone.cursor else {})}
    response = phone.client.get("/api/v1/sync/cases", params=params, headers=phone.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _case(client: TestClient, headers: dict[str, str], *templates: str) -> str:
    checklists = [{"id": new_id(), "template_slug": slug} for slug in templates]
    response = client.post(
        "/api/v1/cases", json={"country": "VN", "checklists": checklists}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_a_guidance_change_reaches_a_phone_that_already_holds_the_case(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    headers = bearer(client, make_user(session))
    flagged = _case(client, headers, "arrival")
    other = _case(client, headers, "travel")
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    phone.pull()
    assert phone.cases[flagged]["checklists"][0]["guidance_updated"] is False
    assert _pull_page(phone)["cases"] == []  # the phone is up to date

    # The English guidance of the arrival checklist changes, and is seeded.
    content = tmp_path / "content"
    shutil.copytree(CONTENT / "en", content / "en")
    checklist = content / "en" / "checklists" / "arrival.yaml"
    text = checklist.read_text()
    assert "Meet the person at the airport or border" in text
    checklist.write_text(text.replace("at the airport or border", "at the airport, port or border"))
    report = seed(session, content, "en")
    assert report.outcomes["updated"] == 1
    assert report.guidance_changed == {"arrival"}

    page = _pull_page(phone)
    assert [c["id"] for c in page["cases"]] == [flagged]  # not the travel case
    assert page["cases"][0]["checklists"][0]["guidance_updated"] is True
    phone.pull()
    assert phone.cases[flagged]["checklists"][0]["guidance_updated"] is True
    assert phone.cases[other]["checklists"][0]["guidance_updated"] is False


def test_record_guidance_change_feeds_live_cases_with_live_checklists_only(
    client: TestClient, session: Session
) -> None:
    headers = bearer(client, make_user(session))
    live = _case(client, headers, "children", "travel")
    deleted = _case(client, headers, "children")
    phone = SimDevice(client, headers, "phone-" + new_id()[:8])
    phone._mutation("delete_case", deleted)
    phone.push()
    phone.pull()
    assert record_guidance_change(session, []) == 0
    assert record_guidance_change(session, ["no-such-template"]) == 0
    assert record_guidance_change(session, ["children", "children"]) == 1
    session.commit()
    page = _pull_page(phone)
    assert [c["id"] for c in page["cases"]] == [live]
