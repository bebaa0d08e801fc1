"""One source of each rule (issue #10): the rules the PWA checks before sending a case (reference
checks, accepted country codes, stages, note length) are served by the server from its own
validators, the PWA applies them with the same result, and keeps no copy of its own."""

import itertools
import json
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from app.cases.models import CaseStage
from app.cases.schemas import CaseCreate
from app.cases.service import (
    case_rules_json,
    check_country,
    check_reference,
    reference_problem,
)
from app.cases.sync.registers import MAX_COUNTER
from app.cases.sync.schemas import AddNoteMutation, EditNoteMutation
from app.core.config import PROJECT_ROOT, Settings, get_settings
from app.core.errors import AppError
from tests.factories import bearer, make_user

FRONTEND_JS = PROJECT_ROOT / "frontend" / "js"
# Typed references near every rule's edge (words, phones, dates in every shape, lengths).
CORPUS = [
    "",
    "A",
    "A1",
    "AB1",
    "ab-12",
    "HW-3K7P",
    "ALB-042",
    "C-7",
    "T4-2026",
    "RT-42",
    "MARIA-1",
    "maria-7",
    "ABCD-1",
    "ABC-1",
    "AB-CD-1",
    "ABC",
    "123",
    "55-1234567",
    "123-4567",
    "12-345-67",
    "12-34-56",
    "120590",
    "12059",
    "1990-05-12",
    "19900512",
    "12.05.1990",
    "12-05-90",
    "5-12-90",
    "05.12.90",
    "HW-BCDF-2345",
    "HW-2345-6789",
    "X1-X2-X3-X4",
    "X1-X2-X3-X4-X5",
    "A-",
    "-A1",
    "A--1",
    "A B1",
    "AÉ1",
    "A_1",
    "ABCDEFGH-12345678-ABC1-ABC2",
    "ABCDEFGH1",
    "A1-" + "B" * 9,
    "Z9-Z9-Z9-Z999",
    "2026-01-01",
    "31-12-99",
    "1-1-2026",
    "HW-0000-0000",
    "7K2M-9QXB",
]


@pytest.fixture
def rules(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/cases/rules")
    assert response.status_code == 200
    return response.json()


def served_problem(code: str, rules: dict[str, Any]) -> str | None:
    """The served rules, applied as the PWA's rules.js applies them."""
    if len(code) > rules["reference"]["max_length"]:
        return "format"
    for check in rules["reference"]["checks"]:
        if bool(re.search(check["pattern"], code, re.ASCII)) == check["refuse_on_match"]:
            return check["problem"]
    return None


def test_rules_are_public_and_revalidated_with_an_etag(client: TestClient) -> None:
    first = client.get("/api/v1/cases/rules")  # no account needed: nothing personal in them
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get("/api/v1/cases/rules", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag


def test_served_reference_rules_refuse_exactly_what_the_server_refuses(
    client: TestClient, session: Session, rules: dict[str, Any]
) -> None:
    headers = bearer(client, make_user(session))
    for code in CORPUS:
        expected = reference_problem(code) if len(code) <= 32 else "format"
        assert served_problem(code, rules) == expected, code
        typed = code.strip().upper()  # the PWA and the server both normalise first
        if not typed:
            continue  # empty: a code is generated
        r = client.post(
            "/api/v1/cases", json={"country": "AL", "reference": typed}, headers=headers
        )
        assert (r.status_code == 201) == (served_problem(typed, rules) is None), (typed, r.text)
    refused = {served_problem(c, rules) for c in CORPUS if c}
    assert refused >= {"format", "word", "digit", "date", "phone"}


def test_served_countries_stages_and_note_length_are_what_the_server_accepts(
    rules: dict[str, Any],
) -> None:
    served = set(rules["countries"])
    for a, b in itertools.product("ABCDEFGHIJKLMNOPQRSTUVWXYZ", repeat=2):
        code = a + b
        try:
            check_country(code)
            accepted = True
        except AppError:
            accepted = False
        assert accepted == (code in served), code
    assert rules["countries"] == sorted(served)
    assert rules["stages"] == [s.value for s in CaseStage]
    for stage in rules["stages"]:
        CaseCreate(country="AL", stage=stage)
    with pytest.raises(ValidationError):
        CaseCreate(country="AL", stage="somewhere")
    longest = rules["note"]["max_length"]
    ids = {"id": str(uuid.uuid4()), "case_id": str(uuid.uuid4()), "seq": 1}
    ids["note_id"] = str(uuid.uuid4())
    for schema, kind in ((AddNoteMutation, "add_note"), (EditNoteMutation, "edit_note")):
        schema.model_validate({**ids, "type": kind, "body": "x" * longest})
        with pytest.raises(ValidationError):
            schema.model_validate({**ids, "type": kind, "body": "x" * (longest + 1)})


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed (make test-js)")
def test_the_pwa_refuses_references_exactly_as_the_server_does(rules: dict[str, Any]) -> None:
    """frontend/js/cases/rules.js, run by Node with the served rules, over the corpus."""
    script = (
        "import { referenceProblem, generateReference } from './frontend/js/cases/rules.js';\n"
        "const { rules, corpus } = JSON.parse(process.argv[1]);\n"
        "const generated = Array.from({ length: 50 }, () => generateReference(rules));\n"
        "console.log(JSON.stringify({ problems: corpus.map((c) => referenceProblem(c, rules)),"
        " generated }));\n"
    )
    arg = json.dumps({"rules": rules, "corpus": CORPUS})
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, arg],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout)
    for code, problem in zip(CORPUS, out["problems"], strict=True):
        expected = (reference_problem(code) if len(code) <= 32 else "format") if code else "format"
        assert problem == expected, code
    for code in out["generated"]:
        assert re.fullmatch(r"HW-[2-9B-DF-HJ-NP-TV-XZ]{4}-[2-9B-DF-HJ-NP-TV-XZ]{4}", code)
        assert check_reference(code) is None


def _js_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in FRONTEND_JS.rglob("*.js")}


def test_the_pwa_keeps_no_copy_of_the_rules() -> None:
    countries = re.compile(r"(?:\b[A-Z]{2}\b[\s',\"]+){20,}")  # a list of country codes
    for path, text in _js_sources().items():
        name = path.relative_to(PROJECT_ROOT)
        assert not countries.search(text), f"{name} holds a list of country codes"
        assert not re.search(r"\[\s*'preparing',\s*'travel'", text), f"{name} lists the stages"
        # field/feedback.js caps a reader's feedback at the server's 500 characters: a copy of
        # another rule (FeedbackIn), known and to be served like these (see the notes).
        if path.name != "feedback.js":
            assert not re.search(r"maxlength:\s*'?\d", text), f"{name} fixes a note length"
        assert "{1,8}" not in text and "{4,}" not in text, f"{name} copies reference patterns"
        assert "23456789BCDF" not in text, f"{name} copies the reference alphabet"


def test_rules_serve_the_counter_bound_and_the_device_lock(rules: dict[str, Any]) -> None:
    """Issue #9: the phone adopts no clock above what the server accepts, and its lock (idle,
    background, wrong PINs) comes from the server's settings, in one place."""
    assert rules["max_counter"] == MAX_COUNTER == 2**31 - 1
    settings = get_settings()
    assert rules["device"] == {
        "pin_min_length": 6,
        "lock_idle_minutes": settings.device_lock_idle_minutes,
        "lock_hidden_minutes": settings.device_lock_hidden_minutes,
        "max_pin_failures": settings.device_max_pin_failures,
    }


def test_device_lock_settings_reach_the_rules_and_their_etag() -> None:
    base = Settings()
    strict = Settings(
        device_lock_idle_minutes=1, device_lock_hidden_minutes=0, device_max_pin_failures=3
    )
    body, etag = case_rules_json(strict)
    assert json.loads(body)["device"] == {
        "pin_min_length": 6,
        "lock_idle_minutes": 1,
        "lock_hidden_minutes": 0,
        "max_pin_failures": 3,
    }
    assert etag != case_rules_json(base)[1]
    with pytest.raises(ValidationError):
        Settings(device_max_pin_failures=0)
