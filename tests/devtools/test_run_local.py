"""`make run` (`python -m devtools.run_local`) as a newcomer meets it: banner, demo case, texts, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from app.config import PROJECT_ROOT

UNSET = (
    "DATABASE_URL",
    "REDIS_URL",
    "PUBLIC_BASE_URL",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_BASE_URL",
    "DEV_TEXTS_LOG",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check, seconds: float = 15.0):
    """Poll `check` until it returns something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except requests.RequestException:  # gunicorn still booting
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def signs_in(base: str, email: str, password: str) -> bool:
    """Sign in to the console's form as a browser would (over plain http, as make run serves it)."""
    with requests.Session() as browser:
        form = browser.get(f"{base}/console/sign-in", timeout=5).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        data = {"csrf_token": token, "email": email, "password": password}
        answer = browser.post(f"{base}/console/sign-in", data=data, allow_redirects=False, timeout=5)
        return answer.status_code == 302 and answer.headers["Location"] == "/console/"


def test_make_run_seeds_a_case_shows_texts_and_stops_quietly_on_ctrl_c(tmp_path: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(INSTANCE_PATH=str(tmp_path), PORT=str(port))
    output = tmp_path / "make-run.txt"
    with output.open("w") as out:
        # Its own process group, so the SIGINT below reaches what a terminal's Ctrl-C would reach.
        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.run_local"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: requests.get(f"{base}/", timeout=2).ok)
        reference = re.search(r"/api/v1/cases/(HC-\d{6})", output.read_text()).group(1)
        flask = [str(Path(sys.executable).parent / "flask"), "--app", "app"]

        def bearer(email: str) -> dict[str, str]:
            command = [*flask, "staff", "token", email]
            token = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
            return {"Authorization": f"Bearer {token.stdout.strip()}"}

        admin = bearer("demo.admin@example.org")  # the banner's curl: an admin reads any case
        assert requests.get(f"{base}/api/v1/cases/{reference}", headers=admin, timeout=5).json()["reference"] == (
            reference
        )
        headers = bearer("demo.integration@example.org")  # only an integration posts reports

        report = {
            "kind": "hate_crime",
            "caller_phone": "07911 123456",
            "description": "Shouted at",
            "safe_to_text": True,
        }
        created = requests.post(f"{base}/api/v1/reports", json=report, headers=headers, timeout=5).json()

        def texts_page_with_confirmation() -> str | None:
            page = requests.get(f"{base}/dev/texts", timeout=2).text
            return page if created["reference"] in page else None

        page = wait_for(texts_page_with_confirmation)
        assert "+447911123456" in page
        logged = [json.loads(line) for line in (tmp_path / "dev-texts.jsonl").read_text().splitlines()]
        assert [t["to"] for t in logged] == ["+447911123456"]
        wait_for(lambda: "text     | to +447911123456: " in output.read_text())
        password = re.search(r"admin +demo\.admin@example\.org +password: (\S+)", output.read_text()).group(1)
        assert signs_in(base, "demo.admin@example.org", password), "the banner's sign-in works"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=20)
    shown = output.read_text()
    assert code == 0, shown[-3000:]
    assert "Traceback" not in shown, shown[-3000:]
    assert shown.rstrip().endswith("stopped the project's own Redis"), "Redis stops last, after every process"
    assert not (tmp_path / "redis.sock").exists()
