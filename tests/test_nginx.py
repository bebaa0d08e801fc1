"""The documented nginx configuration (deploy/nginx-homeward.conf), run by Debian's real nginx
in front of two app processes on one database: a repeated bundle request is a cache hit
(X-Cache-Status, from $upstream_cache_status), a publish is visible through it within the
bundle's max-age, static files are cached, and the API passes through uncached."""

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from app.content.models import ContentItemTranslation
from app.content.write import edit_text
from app.core.config import PROJECT_ROOT
from app.core.db import build_engine
from tests.conftest import ThrowawayDatabases
from tests.live import LiveServer, free_port, run_live_server

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = PROJECT_ROOT / "deploy" / "nginx-homeward.conf"
MAX_AGE = 2  # HOMEWARD_BUNDLE_MAX_AGE for this test: a publish shows within 2 s
SLACK = 8.0  # a loaded test machine


def render(conf: str, ports: list[int], listen: int, cache: Path) -> str:
    """The documented file with this test's addresses, port and cache path (nothing else)."""
    upstreams = "".join(f"    server 127.0.0.1:{p};\n" for p in ports)
    conf, n = re.subn(r"(    server 127\.0\.0\.1:\d+;\n)+", upstreams, conf)
    assert n == 1, "the upstream block changed: update this test"
    for old, new in (("listen 80;", f"listen 127.0.0.1:{listen};"),
                     ("/var/cache/nginx/homeward", str(cache))):  # fmt: skip
        assert old in conf, f"{old!r} is no longer in {CONF.name}: update this test"
        conf = conf.replace(old, new)
    return conf


@pytest.fixture(scope="module")
def apps(
    tmp_path_factory: pytest.TempPathFactory, databases: ThrowawayDatabases
) -> Iterator[list[LiveServer]]:
    if not Path(NGINX).exists():
        reason = "nginx is not installed (apt-get install nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        print(f"\nSKIPPING {__name__}: {reason}", file=sys.stderr)
        pytest.skip(reason)
    settings = {"bundle_max_age": str(MAX_AGE), "content_version_ttl_seconds": "0"}
    first = run_live_server(tmp_path_factory.mktemp("app1"), databases, **settings)
    a = next(first)
    second = run_live_server(tmp_path_factory.mktemp("app2"), databases,
                             database_url=a.database_url, **settings)  # fmt: skip
    b = next(second)
    try:
        yield [a, b]
    finally:
        for gen in (second, first):
            gen.close()


@pytest.fixture(scope="module")
def nginx(apps: list[LiveServer], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prefix = tmp_path_factory.mktemp("nginx")
    for d in ("cache", "tmp", "logs"):
        (prefix / d).mkdir()
    port = free_port()
    ports = [int(app.url.rsplit(":", 1)[1]) for app in apps]
    (prefix / "homeward.conf").write_text(render(CONF.read_text(), ports, port, prefix / "cache"))
    # As root, nginx's workers would switch to "nobody", who cannot enter pytest's temp dirs.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/homeward.conf;
}}
""")
    cmd = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e",
           str(prefix / "logs" / "error.log")]  # fmt: skip
    check = subprocess.run([*cmd, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:  # polling a condition: nginx listening
        try:
            httpx.get(url + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert proc.poll() is None, (prefix / "logs" / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_repeated_bundle_request_is_a_cache_hit(nginx: str) -> None:
    gz = {"Accept-Encoding": "gzip"}
    first = httpx.get(nginx + "/api/v1/content/es", headers=gz)
    assert first.status_code == 200
    assert first.headers["x-cache-status"] in ("MISS", "EXPIRED", "HIT", "REVALIDATED")
    again = httpx.get(nginx + "/api/v1/content/es", headers=gz)
    assert again.headers["x-cache-status"] == "HIT"
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-encoding"] == "gzip"
    # Another coding is another cached copy, never a gzip body to a client that did not ask.
    plain = httpx.get(nginx + "/api/v1/content/es", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["locale"] == "es"


def test_a_publish_is_visible_through_the_cache_within_max_age(
    nginx: str, apps: list[LiveServer]
) -> None:
    before = httpx.get(nginx + "/api/v1/content/vi")
    assert httpx.get(nginx + "/api/v1/content/vi").headers["x-cache-status"] == "HIT"
    engine = build_engine(apps[0].database_url)
    title = f"Điều gì xảy ra tiếp theo ({uuid.uuid4().hex[:6]})"
    with Session(engine) as session:
        old = edit_text(session, ContentItemTranslation, "what-happens-next", "vi", title=title)
    published = time.monotonic()
    try:
        deadline = published + MAX_AGE + SLACK
        while time.monotonic() < deadline:  # polling a condition: the new bundle via nginx
            r = httpx.get(nginx + "/api/v1/content/vi")
            if r.headers["etag"] != before.headers["etag"]:
                break
        seen_after = time.monotonic() - published
        assert r.headers["etag"] != before.headers["etag"], f"not visible after {seen_after} s"
        assert title in r.text
        print(f"\npublish visible through nginx after {seen_after:.2f} s (max-age {MAX_AGE} s)")
    finally:
        with Session(engine) as session:
            edit_text(session, ContentItemTranslation, "what-happens-next", "vi", **old)
        engine.dispose()


def test_static_files_are_cached_and_the_api_passes_through(nginx: str) -> None:
    httpx.get(nginx + "/static/js/app.js")
    js = httpx.get(nginx + "/static/js/app.js")
    assert js.headers["x-cache-status"] in ("HIT", "REVALIDATED")
    assert js.headers["cache-control"] == "no-cache"  # browsers still revalidate
    for _ in range(2):
        locales = httpx.get(nginx + "/api/v1/locales")
        assert locales.status_code == 200
        assert "x-cache-status" not in locales.headers  # not a cached location
    assert httpx.get(nginx + "/readyz").status_code == 200
