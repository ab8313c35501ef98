"""The one adapter to Twilio's REST API. Only the outbox worker calls it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import requests
from requests.utils import get_environ_proxies
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

HTTP_TIMEOUT_SECONDS = 10


class SendError(Exception):
    """Twilio did not accept the message."""

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.code = code


class TemporarySendError(SendError):
    """Nothing was sent and trying again later may work (5xx, 429, connection refused)."""


class AccountSendError(TemporarySendError):
    """Twilio refused the service's own account (wrong or rotated credentials, a suspended account): nothing
    is wrong with the text, which waits until the account works again."""


# Twilio's codes for the account itself: 20003 authentication failed, 20005 account not active.
ACCOUNT_CODES = {"20003", "20005"}


class PermanentSendError(SendError):
    """Twilio refused this message for good (invalid number, opted out: 21610...)."""


class UncertainSendError(SendError):
    """The request may have reached Twilio (read timeout): resending could send twice."""


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str


def _never_connected(error: requests.exceptions.ConnectionError) -> bool:
    """True when the request cannot have reached Twilio (DNS failure, connection refused)."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _http_client(base_url: str) -> TwilioHttpClient:
    """An HTTP client that reads the environment's proxy and CA bundle settings once, as requests would.

    requests reads them again for every request, scanning the whole environment twice: a quarter of the
    Python calls a text sent made. The environment a worker starts with is the one it keeps.
    """
    http_client = TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS, proxy=get_environ_proxies(base_url))
    session = http_client.session
    assert session is not None  # pool_connections, the default, gives the client one session
    session.trust_env = False
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return http_client


class TwilioGateway:
    def __init__(self, config: Any) -> None:
        self._config = config

    @cached_property
    def _client(self) -> Client:
        """One client per gateway, so its HTTP connection to Twilio is kept alive between texts."""
        client = Client(self._config["TWILIO_ACCOUNT_SID"], self._config["TWILIO_AUTH_TOKEN"])
        if self._config["TWILIO_API_BASE_URL"]:
            client.api.base_url = self._config["TWILIO_API_BASE_URL"]
        client.http_client = _http_client(client.api.base_url)  # the proxy for where the texts go
        return client

    def send_sms(self, to: str, body: str, status_callback: str) -> SentMessage:
        sender: dict[str, str]
        if self._config["TWILIO_MESSAGING_SERVICE_SID"]:
            sender = {"messaging_service_sid": self._config["TWILIO_MESSAGING_SERVICE_SID"]}
        else:
            sender = {"from_": self._config["TWILIO_PHONE_NUMBER"]}
        try:
            message = self._client.messages.create(to=to, body=body, status_callback=status_callback, **sender)
        except TwilioRestException as error:
            code = str(error.code) if error.code else str(error.status)
            if error.status == 401 or code in ACCOUNT_CODES:
                raise AccountSendError(f"Twilio refused the account ({error.status})", code) from error
            if error.status >= 500 or error.status == 429:
                raise TemporarySendError(f"Twilio answered {error.status}", code) from error
            raise PermanentSendError(f"Twilio refused the message ({error.status})", code) from error
        except requests.exceptions.ConnectTimeout as error:
            raise TemporarySendError("could not connect to Twilio") from error
        except requests.exceptions.ConnectionError as error:
            if _never_connected(error):
                raise TemporarySendError("could not connect to Twilio") from error
            raise UncertainSendError(f"connection to Twilio broke ({type(error).__name__})") from error
        except requests.exceptions.Timeout as error:
            raise UncertainSendError("Twilio did not answer in time") from error
        return SentMessage(sid=str(message.sid), status=str(message.status or "queued"))
