"""The console's defences: CSRF on its forms (and only its forms), the headers on every response, its cookies."""

from __future__ import annotations

import re

import pytest

from app.config import PROJECT_ROOT
from app.extensions import db
from app.staff.accounts import issue_token
from tests.console.conftest import PASSWORD, Browser, csrf_token, heading, page, sign_in, text_of

STATIC = PROJECT_ROOT / "app" / "console" / "static"


def test_a_sign_in_without_a_csrf_token_or_with_a_wrong_one_is_refused(browser, account):
    officer = account("officer")
    browser.get("/console/sign-in")
    missing = browser.post("/console/sign-in", data={"email": officer.email, "password": PASSWORD})
    wrong = browser.post(
        "/console/sign-in", data={"csrf_token": "forged", "email": officer.email, "password": PASSWORD}
    )
    assert missing.status_code == wrong.status_code == 400
    assert heading(missing) == "Sorry, there is a problem with that form"
    assert browser.get("/console/work").status_code == 302, "not signed in"


def test_a_token_from_another_session_is_refused(app, browser, account):
    officer = account("officer")
    elsewhere = app.test_client()
    stolen = csrf_token(elsewhere.get("/console/sign-in"))
    browser.get("/console/sign-in")
    replayed = browser.post(
        "/console/sign-in", data={"csrf_token": stolen, "email": officer.email, "password": PASSWORD}
    )
    assert replayed.status_code == 400


def test_signing_out_needs_the_token_so_another_site_cannot_sign_you_out(browser, signed_in):
    signed_in("officer")
    assert browser.post("/console/sign-out").status_code == 400
    assert browser.get("/console/sign-out").status_code == 404, "a link cannot sign you out either"
    assert browser.get("/console/work").status_code == 200, "still signed in"


def test_a_form_left_open_for_hours_in_a_session_still_alive_is_still_accepted(browser, signed_in, at, monkeypatch):
    """Another tab kept the session alive: the token is the session's, not an hour's."""
    from types import SimpleNamespace

    import itsdangerous.timed

    from app.clock import now

    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: now().timestamp()))  # its clock
    with at("2026-12-01 09:00"):
        signed_in("officer")
        token = csrf_token(browser.get("/console/work"))
    for minutes in range(20, 4 * 60 + 1, 20):  # a page every 20 minutes for four hours
        with at(f"2026-12-01 {9 + minutes // 60:02d}:{minutes % 60:02d}"):
            assert browser.get("/console/work").status_code == 200
    with at("2026-12-01 13:10"):
        signed_out = browser.post("/console/sign-out", data={"csrf_token": token})
    assert signed_out.headers["Location"] == "/console/sign-in"


def test_the_api_takes_no_csrf_token(client, account):
    """Flask-WTF checks the console's blueprints only: a bearer-token POST still works."""
    website = account("integration")
    token = issue_token(db.session(), website.email)
    posted = client.post(
        "/api/v1/reports",
        json={"caller_phone": "+447911123456", "description": "Abuse shouted in the street", "safe_to_text": False},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert posted.status_code == 201


def test_twilio_webhooks_are_not_asked_for_a_csrf_token(phone):
    phone.dial()
    assert phone.heard[0].startswith("If you are in immediate danger")


def test_every_page_has_a_policy_with_a_fresh_nonce_that_its_scripts_carry(browser):
    first, second = browser.get("/console/sign-in"), browser.get("/console/sign-in")
    policy = first.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    scripts = page(first).find_all("script")
    assert scripts and all(script.get("nonce") == nonce for script in scripts)
    assert any(script.string and "js-enabled" in script.string for script in scripts), "the inline one too"
    assert nonce not in second.headers["Content-Security-Policy"], "a new nonce for every request"
    for rule in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert rule in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/console/sign-in", "/", "/api/v1/cases/HC-123456"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert ("Set-Cookie" in headers) == path.startswith("/console/"), "only the console keeps a session"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "microphone=()" in headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_console_pages_are_never_cached_but_its_stylesheet_may_be(browser, signed_in):
    signed_in("officer")
    assert browser.get("/console/work").headers["Cache-Control"] == "no-store"
    stylesheet = browser.get("/console/static/govuk-frontend.min.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get("Cache-Control", "")


def test_the_session_cookie_is_secure_httponly_and_samesite_lax(browser, account):
    signed_in = sign_in(browser, account("officer").email)
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_secure_cookies_can_be_turned_off_for_plain_http_development(make_app, account):
    local = make_app(SESSION_COOKIE_SECURE=False)
    client = local.test_client()
    signed_in = sign_in(client, account("officer").email)
    assert signed_in.status_code == 302 and "Secure" not in signed_in.headers["Set-Cookie"]


def test_pages_use_the_councils_header_and_footer_with_no_crown(browser):
    shown = page(browser.get("/console/sign-in"))
    header, footer = shown.find("header"), shown.find("footer")
    assert text_of(header) == "Birmingham City Council — Hate crime casework"
    assert "© Birmingham City Council" in text_of(footer)
    everything = str(shown).lower()
    assert "crown" not in everything and "gov.uk" not in everything and "open government licence" not in everything
    skip = shown.find("a", class_="govuk-skip-link")
    assert skip["href"] == "#main-content" and shown.find("main")["id"] == "main-content"


def test_the_assets_are_served_from_the_console_with_arial_and_no_fonts_or_crown_images(browser):
    css = browser.get("/console/static/govuk-frontend.min.css").get_data(as_text=True)
    assert "font-family:arial,sans-serif" in css and "GDS Transport" not in css and "@font-face" not in css
    assert browser.get("/console/static/govuk-frontend.min.js").status_code == 200
    shipped = {path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*") if path.is_file()}
    assert not any(name.endswith((".woff", ".woff2")) for name in shipped)
    assert not any("crest" in name or "crown" in name or "govuk-icon" in name for name in shipped)
    for link in page(browser.get("/console/sign-in")).find_all(["link", "script"]):
        address = link.get("href") or link.get("src")
        assert address is None or address.startswith("/console/static/"), f"nothing from a CDN: {address}"


def test_a_response_that_is_not_a_page_allows_no_inline_script_or_style(phone, client):
    """TwiML and JSON carry nothing inline: their policy names no nonce, so none can be borrowed from them."""
    phone.dial()
    for headers in (phone.response.headers, client.get("/").headers):
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "style-src 'self';" in policy and "nonce" not in policy
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy


def test_a_page_the_database_fails_on_is_the_consoles_own_error_page_not_a_bare_500(make_app, account):
    """Outside tests Flask hands an unexpected error to the 500 page (tests re-raise it unless told not to)."""
    live_like = make_app(PROPAGATE_EXCEPTIONS=False)
    live_like.test_client_class = Browser
    browser = live_like.test_client()
    manager = account("manager")
    assert sign_in(browser, manager.email).status_code == 302
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE cases RENAME TO cases_away")
    try:
        response = browser.get("/console/search?q=HC-123456")
    finally:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE cases_away RENAME TO cases")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert heading(response) == "Sorry, there is a problem with the service"
    assert "may not have been saved" in response.get_data(as_text=True)
    assert "govuk-template" in response.get_data(as_text=True), "in the console's own design"
