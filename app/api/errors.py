"""Every error under /api/ is JSON, whatever raised it; other paths keep Flask's own pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

TOO_MANY = "too many requests: wait for the number of seconds in Retry-After"


def json_error(error: HTTPException) -> Any:
    if not request.path.startswith("/api/"):
        return error
    response = error.get_response()
    response.data = jsonify(error=TOO_MANY if error.code == 429 else error.description).get_data()
    response.content_type = "application/json"
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, json_error)
