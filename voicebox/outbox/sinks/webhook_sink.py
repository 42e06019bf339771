"""HTTP webhook sink: POST each envelope as JSON; retry on 5xx, 408, 429 and network errors.

Any other non-2xx answer means the receiver refused that item: it is marked failed, reported,
and delivery moves on (`voicebox outbox retry` puts it back). The `Idempotency-Key` header
carries the envelope id so that a receiver can drop the duplicates a retry may cause.
"""
from __future__ import annotations

import http.client
import socket
import urllib.error
import urllib.request
from typing import Sequence

from voicebox import __version__
from voicebox.outbox.base import DeliveryError, Envelope, Sent
from voicebox.outbox.settings import WebhookSink as Settings

RETRY_STATUS = {408, 425, 429}


class WebhookSink:
    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.url = settings.url
        self.timeout = settings.timeout_s
        self.headers = {"Content-Type": "application/json; charset=utf-8",
                        "User-Agent": f"voicebox/{__version__}", **settings.headers}
        # no redirects: a POST silently turned into a GET would look delivered
        self._opener = urllib.request.build_opener(_NoRedirect)

    def open(self) -> None:
        """Nothing to connect: every POST is its own request."""

    def send(self, batch: Sequence[Envelope]) -> Sent:
        for done, env in enumerate(batch):
            error = self._post(env)
            if error is not None:
                return Sent(done, error)
        return Sent(len(batch))

    def _post(self, env: Envelope) -> DeliveryError | None:
        request = urllib.request.Request(self.url, data=env.body.encode(), method="POST",
                                         headers={**self.headers, "Idempotency-Key": env.id})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
            return None
        except urllib.error.HTTPError as err:
            detail = _snippet(err)
            retry = err.code >= 500 or err.code in RETRY_STATUS
            return DeliveryError(f"webhook {self.url}: HTTP {err.code} {err.reason} for item "
                                 f"{env.id}{detail}", code="server_error" if retry else "rejected",
                                 retry=retry)
        except (TimeoutError, socket.timeout):
            return DeliveryError(f"webhook {self.url}: no answer within {self.timeout:g} s",
                                 code="timeout")
        except urllib.error.URLError as err:
            return DeliveryError(f"webhook {self.url}: cannot connect: {err.reason}",
                                 code="unreachable")
        except (OSError, http.client.HTTPException) as err:
            return DeliveryError(f"webhook {self.url}: {type(err).__name__}: {err}",
                                 code="unreachable")

    def close(self) -> None:
        """Nothing held open."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # urllib then raises HTTPError with the 3xx, reported as a refusal


def _snippet(err: urllib.error.HTTPError) -> str:
    try:
        text = err.read(200).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f": {' '.join(text.split())}" if text else ""
