"""Small builders for test data, through the same services the app uses."""

import secrets
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role, User
from app.accounts.service import create_user

PASSWORD = "a long test password"


def make_user(session: Session, role: Role = Role.worker, email: str | None = None) -> User:
    email = email or f"{role.value}-{secrets.token_hex(4)}@example.org"
    return create_user(session, email=email, role=role, password=PASSWORD)


def bearer(client: TestClient, user: User) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def new_id() -> str:
    return str(uuid.uuid4())
