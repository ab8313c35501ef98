"""`/dev/texts`: every text `make run`'s stand-in for Twilio was asked to send, newest first.

Only registered when DEV_TEXTS_LOG is set (`make run` without Twilio
credentials), so trainers can see what a resident would receive; anywhere
else the page does not exist. The stand-in appends one JSON line per text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, render_template_string

from app.calendar import LONDON
from app.clock import now

bp = Blueprint("dev_texts", __name__)

MOST_SHOWN = 200

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Texts sent (local stand-in for Twilio)</title>
<style nonce="{{ csp_nonce() }}">
body { font-family: Arial, sans-serif; margin: 2em; max-width: 48em; }
.text { border: 1px solid #b1b4b6; border-radius: 1em; padding: 0.8em 1em; margin: 0.4em 0 1.6em;
        background: #f3f2f1; white-space: pre-wrap; }
.meta { color: #505a5f; font-size: 0.9em; }
</style>
</head>
<body>
<h1>Texts sent</h1>
<p>Nothing here reached a phone: <code>make run</code> has no Twilio credentials, so a local stand-in for
Twilio took these texts. Newest first; this page refreshes itself.</p>
{% for text in texts %}
<p class="meta">{{ text.sent_at }} to <strong>{{ text.to }}</strong> from {{ text["from"] }}</p>
<div class="text">{{ text.body }}</div>
{% else %}
<p>No texts yet. Try a report with <code>.venv/bin/flask --app app ivr call</code> and say texts are safe.</p>
{% endfor %}
</body>
</html>
"""


def record_text(log: Path, message: dict[str, str]) -> dict[str, str]:
    """Append one text (the form the twilio client posted) to the log; returns what was written."""
    text = {
        "sent_at": now().astimezone(LONDON).strftime("%d %b %Y %H:%M:%S"),
        "sid": message.get("Sid", ""),
        "to": message.get("To", ""),
        "from": message.get("From") or message.get("MessagingServiceSid", ""),
        "body": message.get("Body", ""),
    }
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as file:
        file.write(json.dumps(text) + "\n")
    return text


def read_texts(log: Path) -> list[dict[str, Any]]:
    """The logged texts, newest first (at most MOST_SHOWN)."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in reversed(lines[-MOST_SHOWN:]) if line.strip()]


@bp.get("/dev/texts")
def texts_page() -> str:
    """The texts as a simple page (Jinja escapes every value)."""
    return render_template_string(PAGE, texts=read_texts(Path(str(current_app.config["DEV_TEXTS_LOG"]))))


def init_app(app: Flask) -> None:
    """Register the page only in `make run`'s stand-in mode."""
    if app.config.get("DEV_TEXTS_LOG"):
        app.register_blueprint(bp)
