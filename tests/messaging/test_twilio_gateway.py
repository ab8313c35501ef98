"""The one Twilio adapter tells 'never reached Twilio' (safe to retry) from 'may have reached it'."""

from __future__ import annotations

import socket
import threading

import pytest

from app.messaging.twilio_gateway import TemporarySendError, TwilioGateway, UncertainSendError
from tests.conftest import ACCOUNT_SID, AUTH_TOKEN


def gateway(base_url: str) -> TwilioGateway:
    return TwilioGateway(
        {
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_API_BASE_URL": base_url,
            "TWILIO_MESSAGING_SERVICE_SID": "",
            "TWILIO_PHONE_NUMBER": "+441214647269",
        }
    )


def test_a_refused_connection_is_temporary():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(TemporarySendError):
        gateway(f"http://127.0.0.1:{port}").send_sms("+447911123456", "hello", "https://example.org/status")


def test_an_unknown_host_is_temporary():
    with pytest.raises(TemporarySendError):
        gateway("http://no-such-host.invalid").send_sms("+447911123456", "hello", "https://example.org/status")


def test_a_connection_dropped_after_the_request_is_uncertain():
    """Twilio may have taken the text: resending could send it twice."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def read_then_hang_up() -> None:
        connection, _ = server.accept()
        connection.recv(65536)
        connection.close()

    thread = threading.Thread(target=read_then_hang_up, daemon=True)
    thread.start()
    try:
        with pytest.raises(UncertainSendError):
            gateway(f"http://127.0.0.1:{server.getsockname()[1]}").send_sms("+447911123456", "hi", "https://e.org/s")
    finally:
        thread.join(timeout=5)
        server.close()


def proxies_in_the_environment(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """Exactly these proxy settings (any the machine has, in either case, are taken away first)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


def test_texts_go_through_the_proxy_the_environment_names(monkeypatch, twilio_server, twilio_api):
    """A council network that reaches Twilio only through its proxy (HTTP_PROXY) still sends texts."""
    proxies_in_the_environment(monkeypatch, HTTP_PROXY=twilio_server.base_url)
    sent = gateway("http://twilio.invalid").send_sms("+447911123456", "hello", "https://example.org/status")
    assert [(text["To"], text["Sid"]) for text in twilio_api.sent] == [("+447911123456", sent.sid)]


def test_a_host_the_environment_exempts_from_the_proxy_is_reached_directly(monkeypatch, twilio_server, twilio_api):
    proxies_in_the_environment(monkeypatch, HTTP_PROXY="http://no-such-proxy.invalid:3128", NO_PROXY="127.0.0.1")
    gateway(twilio_server.base_url).send_sms("+447911123456", "hello", "https://example.org/status")
    assert len(twilio_api.sent) == 1
