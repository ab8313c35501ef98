"""The one Twilio adapter tells 'never reached Twilio' (safe to retry) from 'may have reached it'."""

from __future__ import annotations

import socket
import threading

import pytest

from app.messaging.twilio_gateway import TemporarySendError, TwilioGateway, UncertainSendError


def gateway(base_url: str) -> TwilioGateway:
    return TwilioGateway(
        {
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "TWILIO_AUTH_TOKEN": "token",
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
