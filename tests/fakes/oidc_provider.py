"""A small OpenID Connect provider over real HTTP, standing in for the council's (e.g. Microsoft Entra ID).

It publishes a discovery document and a JWKS with an RSA key the tests generate, "signs in" whoever
the test names at its authorize endpoint (no login page: it redirects straight back with a code),
and swaps that code for an RS256 ID token at its token endpoint, checking the client's secret, the
redirect URI and the PKCE verifier as a real provider does. A test can make the next ID token wrong
in one way (`tamper`: another nonce, issuer, audience, expiry...) or sign it with a key it does not
publish (`sign_with`), to see the console refuse it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Login:
    """Who signs in next, and what their ID token says of them."""

    email: str | None
    email_verified: bool | None = True
    subject: str = "00000000-0000-0000-0000-000000000001"


@dataclass
class FakeOpenIdProvider:
    client_id: str
    client_secret: str
    key: RSAKey
    issuer: str = ""  # set once the server has a port
    next_login: Login | None = None
    tamper: dict[str, Any] = field(default_factory=dict)
    sign_with: RSAKey | None = None
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    _codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.next_login, self.sign_with = None, None
            self.tamper.clear()
            self.authorize_requests.clear()
            self._codes.clear()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
        }
        answer = routes.get((request.method, request.path))
        response = answer(request) if answer else _json({"error": "not_found"}, 404)
        return response(environ, start_response)

    def discovery(self, _request: Request) -> Response:
        return _json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    def jwks(self, _request: Request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def authorize(self, request: Request) -> Response:
        """The person is "signed in" at once: back to the client with a code (or access_denied for nobody)."""
        asked = request.args.to_dict()
        self.authorize_requests.append(asked)
        if asked.get("client_id") != self.client_id or asked.get("response_type") != "code":
            return _json({"error": "unauthorized_client"}, 400)
        back = asked["redirect_uri"]
        if self.next_login is None:
            return _redirect(back, {"error": "access_denied", "state": asked.get("state", "")})
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {"login": self.next_login, **asked}
        return _redirect(back, {"code": code, "state": asked.get("state", "")})

    def token(self, request: Request) -> Response:
        """The code, once, for an ID token: only for this client, the same redirect URI and the PKCE verifier."""
        if not self._client_authenticated(request):
            return _json({"error": "invalid_client"}, 401)
        with self._lock:
            asked = self._codes.pop(request.form.get("code", ""), None)
        if asked is None or request.form.get("grant_type") != "authorization_code":
            return _json({"error": "invalid_grant"}, 400)
        if request.form.get("redirect_uri") != asked["redirect_uri"] or not _pkce_matches(request, asked):
            return _json({"error": "invalid_grant"}, 400)
        access_token = secrets.token_urlsafe(24)
        return _json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": self.id_token(asked["login"], asked.get("nonce")),
            }
        )

    def id_token(self, login: Login, nonce: str | None) -> str:
        issued = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": login.subject,
            "aud": self.client_id,
            "iat": issued,
            "nbf": issued,
            "exp": issued + 3600,
            "nonce": nonce,
            "name": "Signed In Person",
        }
        if login.email is not None:
            claims["email"] = login.email
        if login.email_verified is not None:
            claims["email_verified"] = login.email_verified
        claims.update(self.tamper)
        claims = {name: value for name, value in claims.items() if value is not None}
        key = self.sign_with or self.key
        return jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims, key)

    def _client_authenticated(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        basic = request.headers.get("Authorization") == f"Basic {expected}"
        posted = (request.form.get("client_id"), request.form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )
        return basic or posted


def _pkce_matches(request: Request, asked: dict[str, Any]) -> bool:
    verifier = request.form.get("code_verifier", "")
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return asked.get("code_challenge_method") == "S256" and bool(verifier) and challenge == asked.get("code_challenge")


def _json(body: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _redirect(to: str, params: dict[str, str]) -> Response:
    return Response(status=302, headers={"Location": f"{to}?{urlencode(params)}"})


class FakeOpenIdServer:
    """Serves a FakeOpenIdProvider on a free port of 127.0.0.1 in a background thread; its issuer is its URL."""

    def __init__(self, provider: FakeOpenIdProvider) -> None:
        self.provider = provider
        self._server = make_server("127.0.0.1", 0, provider, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        provider.issuer = f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> FakeOpenIdServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
