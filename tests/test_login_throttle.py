"""Issue #9, sign-in throttling: concurrent guesses cannot race past the count, and wrong
guesses from many addresses delay the owner briefly instead of locking them out."""

import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session

from app.accounts import service as accounts
from app.accounts.models import LoginThrottle, Role, User
from app.core.config import get_settings
from app.core.errors import TooManyRequests, Unauthorized
from app.core.models import utcnow
from tests.factories import PASSWORD, make_user


def _attempt(session: Session, email: str, password: str, address: str) -> str:
    try:
        accounts.login(
            session, email=email, password=password, address=address, settings=get_settings()
        )
    except Unauthorized:
        return "401"
    except TooManyRequests as exc:
        return f"429:{exc.params['n']}:{exc.extra['retry_after']}"
    return "200"


@pytest.fixture
def committed_worker(engine: Engine) -> Iterator[User]:
    """A worker committed for real (the guesses below run in their own sessions)."""
    with Session(engine) as s:
        user = make_user(s, Role.worker, email=f"race-{secrets.token_hex(4)}@example.org")
        s.expunge(user)
    yield user
    with Session(engine) as s:
        s.execute(delete(User).where(User.id == user.id))  # type: ignore[arg-type]
        s.execute(delete(LoginThrottle))
        s.commit()


def test_forty_concurrent_wrong_guesses_evaluate_no_more_than_the_policy(
    engine: Engine, committed_worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluated = 0
    lock = threading.Lock()
    real_verify = accounts.verify_password

    def counting_verify(password: str, password_hash: str) -> bool:
        nonlocal evaluated
        with lock:
            evaluated += 1
        return real_verify(password, password_hash)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)
    # One instant for all forty (a slow machine must not let the first delay run out).
    frozen = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: frozen)
    start = threading.Barrier(40)

    def guess(i: int) -> str:
        with Session(engine) as s:
            start.wait()
            return _attempt(s, committed_worker.email, f"wrong guess {i}", f"10.0.0.{i}")

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(guess, range(40)))
    policy = get_settings().login_max_failures_per_account
    assert evaluated <= policy, (evaluated, outcomes)
    assert all(o == "401" or o.startswith("429:") for o in outcomes), outcomes
    assert outcomes.count("401") == evaluated


def test_guesses_from_many_addresses_delay_the_owner_briefly_and_the_delay_doubles(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    free, base = settings.login_max_failures_per_account, settings.login_backoff_base_seconds
    owner = make_user(session, Role.worker)
    for i in range(free):
        assert _attempt(session, owner.email, "a guess", f"203.0.113.{i}") == "401"
    # Not a 15-minute lock: the owner waits the first, short delay.
    blocked = _attempt(session, owner.email, PASSWORD, "198.51.100.7")
    assert blocked.startswith("429:"), blocked
    assert int(blocked.split(":")[2]) <= base

    clock = [utcnow()]
    monkeypatch.setattr(accounts, "utcnow", lambda: clock[0])
    waits = []
    for _ in range(5):  # the attacker keeps guessing, each time as soon as allowed
        while True:
            outcome = _attempt(session, owner.email, "another guess", "203.0.113.99")
            if outcome == "401":
                break
            waits.append(int(outcome.split(":")[2]))
            clock[0] += timedelta(seconds=waits[-1])
    # (the first wait began with the fifth guess, on the real clock)
    assert 0 < waits[0] <= base and waits[1:] == [base * 2, base * 4, base * 8, base * 16], waits
    # The owner, after the current delay, signs in, which clears the account's failures.
    clock[0] += timedelta(seconds=base * 32)
    assert _attempt(session, owner.email, PASSWORD, "198.51.100.7") == "200"
    assert _attempt(session, owner.email, "typo", "198.51.100.7") == "401"


def test_the_delay_is_capped(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    owner = make_user(session, Role.worker)
    clock = [utcnow()]
    monkeypatch.setattr(accounts, "utcnow", lambda: clock[0])
    longest = 0
    for i in range(40):
        outcome = _attempt(session, owner.email, "guess", f"192.0.2.{i}")
        if outcome.startswith("429:"):
            longest = max(longest, int(outcome.split(":")[2]))
            clock[0] += timedelta(seconds=int(outcome.split(":")[2]))
    assert longest == settings.login_backoff_max_seconds


def test_per_address_limit_still_holds_across_accounts(session: Session) -> None:
    settings = get_settings()
    for _ in range(settings.login_max_failures_per_address):
        assert (
            _attempt(session, f"nobody-{secrets.token_hex(3)}@example.org", "x", "192.0.2.1")
            == "401"
        )
    assert _attempt(session, "another@example.org", "x", "192.0.2.1").startswith("429:")
    assert _attempt(session, "another@example.org", "x", "192.0.2.2") == "401"


def test_throttle_rows_hold_no_email_and_no_address(session: Session) -> None:
    from sqlmodel import select

    _attempt(session, "private.person@example.org", "x", "192.0.2.44")
    keys = session.exec(select(LoginThrottle.key)).all()
    assert keys and not any("private" in k or "192.0.2" in k for k in keys)
