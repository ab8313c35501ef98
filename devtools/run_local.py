"""`make run`: the Procfile's processes together, on the embedded defaults.

Fills in what the environment leaves out: the project's own Redis when
REDIS_URL is unset, and a local stand-in for Twilio's Messages API when the
Twilio credentials are unset (every text is printed here and shown at
/dev/texts; nothing reaches a phone). Then it migrates, seeds the demo data
and runs web, worker and cron with honcho, the worker and cron each under
devtools.keep_running: honcho stops everything when one process exits, and
a crashed worker must not take web down and leave the line refusing calls.
Ctrl-C stops honcho's processes, waits for them, and only then stops Redis
and the stand-in.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from app.config import (
    INSTANCE_DIR,
    PROJECT_ROOT,
    Config,
    dev_texts_log,
    embedded_redis_socket,
    is_set,
    twilio_credentials_configured,
)
from app.dev_texts import record_text
from devtools.embedded_redis import EmbeddedRedis
from devtools.fake_twilio import FakeTwilioApi, FakeTwilioServer

if TYPE_CHECKING:
    from app.demo import DemoSignIn

HOW_TO_TRY = """
The hate crime line is running on http://127.0.0.1:{port}
{texts}
Try a call in another terminal (it signs its requests like Twilio does):
    .venv/bin/flask --app app ivr call{call_options}
Read the demo case {reference} through the API (each run of `staff token` issues a new token):
    curl -H "Authorization: Bearer $(.venv/bin/flask --app app staff token demo.admin@example.org)" \\
         http://127.0.0.1:{port}/api/v1/cases/{reference}
{console}
Ctrl-C stops everything.
"""

CONSOLE_SIGN_INS = """Sign in to the staff console at http://127.0.0.1:{port}/console/sign-in as any of these demo staff
(shown only this once: only a hash of each password is kept, so note the ones you need):
{accounts}"""

CONSOLE_ACCOUNTS_EXIST = """The staff console is at http://127.0.0.1:{port}/console/sign-in. Its demo staff exist:
    {emails}
Their passwords were shown the first time make run made them. To set a new one:
    .venv/bin/flask --app app staff set-password demo.admin@example.org"""

STAND_IN_TEXTS = """No Twilio credentials are set: texts go to a local stand-in for Twilio, never to a phone.
Every text the line sends is printed below and shown at http://127.0.0.1:{port}/dev/texts
"""


def show_text(text: dict[str, str]) -> None:
    """One text in `make run`'s output, lined up with honcho's lines (this is fake data, shown on purpose)."""
    body = text["body"].replace("\n", "\n" + " " * 18 + "| ")
    print(f"{datetime.now():%H:%M:%S} text     | to {text['to']}: {body}", flush=True)


def twilio_stand_in(account_sid: str, auth_token: str, log: Path) -> FakeTwilioServer:
    """A local Messages API that logs each text for /dev/texts and prints it."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the text line says it all; no access log
    return FakeTwilioServer(
        FakeTwilioApi(account_sid, auth_token, on_sent=lambda message: show_text(record_text(log, message)))
    )


def seed_demo_case() -> tuple[str, list[DemoSignIn]]:
    """Migrate the database and seed the demo data (as `flask db upgrade` and `flask seed-demo` do).

    Returns the demo case's reference and the sign-ins of demo staff given a password just now.
    """
    from app import create_app, demo, migrate
    from app.cli import DEMO_LETTERS
    from app.extensions import db

    app = create_app()
    with app.app_context():
        migrate.upgrade(str(app.config["DATABASE_URL"]))
        base_url = str(app.config["PUBLIC_BASE_URL"])
        sign_ins = demo.seed_demo_staff(db.session)
        reference = demo.seed_demo(db.session, base_url)
        for letter in demo.write_demo_letters(db.session, DEMO_LETTERS, base_url):
            print(f"demo letter: {letter}", flush=True)
    app.extensions["database_engine"].dispose()
    return reference, sign_ins


def console_note(port: int, sign_ins: list[DemoSignIn]) -> str:
    """The demo staff's sign-in details the first time; afterwards, that they exist."""
    from app.demo import DEMO_STAFF
    from app.staff.passwords import CONSOLE_ROLES

    if not sign_ins:
        emails = ", ".join(email for email, _name, role in DEMO_STAFF if role in CONSOLE_ROLES)
        return CONSOLE_ACCOUNTS_EXIST.format(port=port, emails=emails)
    accounts = "\n".join(f"    {login.role:<15} {login.email:<28} password: {login.password}" for login in sign_ins)
    return CONSOLE_SIGN_INS.format(port=port, accounts=accounts)


def call_options(port: int, public_base_url: str) -> str:
    """The `flask ivr call` options a terminal without this process's environment needs."""
    if port == 5000 and public_base_url == "http://127.0.0.1:5000":
        return ""  # the command's own defaults
    return f" --url http://127.0.0.1:{port} --public-url {public_base_url}"


def main() -> int:
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    port = Config.from_environment().PORT
    os.environ["PORT"] = str(port)
    if not is_set("PUBLIC_BASE_URL"):
        os.environ["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    if not is_set("SESSION_COOKIE_SECURE"):
        os.environ["SESSION_COOKIE_SECURE"] = "false"  # the console's cookie over plain http on this machine
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    cleanup = ExitStack()
    try:
        texts = start_what_is_missing(cleanup, port)
        reference, sign_ins = seed_demo_case()
        options = call_options(port, os.environ["PUBLIC_BASE_URL"])
        console = console_note(port, sign_ins)
        print(
            HOW_TO_TRY.format(port=port, texts=texts, call_options=options, reference=reference, console=console),
            flush=True,
        )
        return run_procfile()
    except KeyboardInterrupt:  # Ctrl-C before honcho started
        return 130
    finally:
        cleanup.close()


def start_what_is_missing(cleanup: ExitStack, port: int) -> str:
    """Start Redis and the stand-in for Twilio where the environment names none; returns a note on texts."""
    if not is_set("REDIS_URL"):
        redis = EmbeddedRedis(embedded_redis_socket()).start()
        cleanup.callback(print, "stopped the project's own Redis", flush=True)
        cleanup.callback(redis.stop)
        os.environ["REDIS_URL"] = redis.url
        print(f"started the project's own Redis at {redis.url}", flush=True)
    if twilio_credentials_configured():
        return ""
    config = Config.from_environment()
    stand_in = cleanup.enter_context(
        twilio_stand_in(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, dev_texts_log())
    )
    os.environ.update(TWILIO_API_BASE_URL=stand_in.base_url, DEV_TEXTS_LOG=str(dev_texts_log()))
    for name in ("TWILIO_EDGE", "TWILIO_REGION"):  # either one rewrites the stand-in's host name
        os.environ.pop(name, None)
    return STAND_IN_TEXTS.format(port=port)


RESTARTED = ("worker", "cron")


def local_procfile() -> Path:
    """The Procfile with worker and cron under devtools.keep_running, which starts them again if they exit."""
    lines = []
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        name = line.split(":", 1)[0]
        lines.append(f"{name}: exec python -m devtools.keep_running {name}" if name in RESTARTED else line)
    procfile = INSTANCE_DIR / "Procfile.make-run"
    procfile.write_text("\n".join(lines) + "\n")
    return procfile


def run_procfile() -> int:
    """honcho in its own session: Ctrl-C reaches this process only, which asks honcho to stop and waits."""
    requested: list[int] = []
    honcho: subprocess.Popen[bytes] | None = None

    def stop(signum: int, _frame: FrameType | None) -> None:
        requested.append(signum)
        if honcho is not None:
            honcho.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    procfile = local_procfile()
    start = ["start", "-f", str(procfile), "-d", str(PROJECT_ROOT), "web", "worker", "cron"]
    honcho = subprocess.Popen([sys.executable, "-m", "honcho", *start], start_new_session=True)
    if requested:
        honcho.send_signal(requested[0])
    code = honcho.wait()  # honcho stops its processes and waits for them (SIGKILL after 5 s)
    return 0 if requested else code


if __name__ == "__main__":
    sys.exit(main())
