"""`make run`: the Procfile's processes together, on the embedded defaults.

Starts the project's own Redis when REDIS_URL is unset (and stops it on
exit, even when interrupted), then runs web, worker and cron with honcho.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType

from app.config import INSTANCE_DIR, embedded_redis_socket
from devtools.embedded_redis import EmbeddedRedis

HOW_TO_TRY = """
The hate crime line is running on http://127.0.0.1:{port}

Try a call in another terminal (it signs its requests like Twilio does):
    .venv/bin/flask --app app ivr call --url http://127.0.0.1:{port}{public}
Get an API token for the demo integration account, then read a case:
    .venv/bin/flask --app app staff token demo.integration@example.org
    curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:{port}/api/v1/cases/HC-123456
Ctrl-C stops everything.
"""


def main() -> int:
    port = os.environ.setdefault("PORT", "5000")
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    redis = None
    if not os.environ.get("REDIS_URL"):
        redis = EmbeddedRedis(embedded_redis_socket()).start()
        os.environ["REDIS_URL"] = redis.url
        print(f"started the project's own Redis at {redis.url}", flush=True)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    public = os.environ["PUBLIC_BASE_URL"]
    extra = "" if public == f"http://127.0.0.1:{port}" else f" --public-url {public}"
    print(HOW_TO_TRY.format(port=port, public=extra), flush=True)
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "web", "worker", "cron"], start_new_session=False
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        honcho.send_signal(signal.SIGTERM if signum != signal.SIGINT else signal.SIGINT)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return honcho.wait()
    finally:
        if honcho.poll() is None:
            honcho.kill()
        if redis is not None:
            redis.stop()
            print("stopped the project's own Redis", flush=True)


if __name__ == "__main__":
    sys.exit(main())
