"""One HTTP POST to a receiver, with the standard library (``urllib.request``): no redirects
followed, a timeout, the first characters of the answer kept, every failure turned into text.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from .models import EXCERPT_CHARS

#: Bytes read from a receiver's answer (enough for EXCERPT_CHARS characters of UTF-8 text).
READ_BYTES = EXCERPT_CHARS * 4


@dataclass(frozen=True)
class Result:
    status_code: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the receiver's answer, not somewhere else to send the event."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _excerpt(stream) -> str:  # type: ignore[no-untyped-def]
    try:
        raw = stream.read(READ_BYTES) or b""
    except (OSError, http.client.HTTPException):
        return ""
    return raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]


class RefusedTarget(Exception):
    pass


def check_public(url: str) -> None:
    """Refuse a host that resolves to a private, loopback or link-local address (a partner's
    receiver must be on the internet, not inside the network Amity runs in)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise RefusedTarget(f"Could not resolve {host}: {exc.strerror or exc}.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise RefusedTarget(f"Refused: {host} resolves to {address}, which is not a public address.")


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, public_only: bool) -> Result:
    """POST ``body``; a 2xx answer is success, anything else (or no answer) a failure."""
    started = time.monotonic()
    status: int | None = None
    text = error = ""
    try:
        if public_only:
            check_public(url)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with _opener.open(request, timeout=timeout) as response:
            status, text = response.status, _excerpt(response)
    except RefusedTarget as exc:
        error = str(exc)
    except urllib.error.HTTPError as exc:
        status, text = exc.code, _excerpt(exc)
        if 300 <= exc.code < 400:
            error = f"Redirect to {exc.headers.get('Location', '?')} not followed."
    except urllib.error.URLError as exc:
        reason = exc.reason
        error = (
            f"Timed out after {timeout:g} s."
            if isinstance(reason, TimeoutError)
            else f"Could not connect: {reason}."
        )
    except TimeoutError:
        error = f"Timed out after {timeout:g} s."
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Result(status, text, error, int((time.monotonic() - started) * 1000))
