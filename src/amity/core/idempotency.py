"""Idempotency keys for the API: a POST sent again with the same ``Idempotency-Key`` header gets
the first answer again, and creates nothing twice.

A client that creates money-bearing or countable records (deal registrations, fund requests,
claims, payments …) sends a fresh random key with each new POST and the same key when it
retries - after a timeout, a dropped connection, a crash. For such a request the middleware:

1. opens one transaction and inserts ``(principal, key)`` (unique) before the view runs;
2. runs the view inside that transaction;
3. on a 2xx answer stores it beside the key, so the key and what the view wrote commit together
   (a crash before the commit leaves neither: the retry runs the request afresh); on a 4xx it
   forgets the key (nothing was created; the client may correct the request and retry with
   it); on a 5xx it also rolls back whatever the view wrote.

A second request with a key already stored answers the stored status and body with
``Idempotent-Replayed: true``; a concurrent one waits for the first to commit (the unique
index) and is then answered the same. The same key with another method, path or body answers
422 naming the header. The principal is the signed-in user, or a digest of the API token, so
keys of different clients never meet. Records older than ``RETENTION`` are purged daily.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
MAX_KEY = 255


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _invalid(message: str) -> JsonResponse:
    return JsonResponse({"detail": [{"loc": ["header", HEADER], "msg": message}]}, status=422)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """Applies to ``POST /api/…`` requests that carry the header; everything else passes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            return _invalid(f"Give 1 to {MAX_KEY} printable characters, e.g. a random UUID.")
        principal = _principal(request)
        if principal is None:  # not signed in: the API answers 401 by itself
            return self.get_response(request)
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=principal,
                        key=key,
                        fingerprint=fingerprint,
                        path=request.path[:500],
                        status=0,
                        body=b"",
                    )
            except IntegrityError:
                earlier = IdempotencyRecord.objects.get(principal=principal, key=key)
                if earlier.fingerprint != fingerprint:
                    return _invalid(
                        f"This key was used for another request ({earlier.path}, "
                        f"{timezone.localtime(earlier.created_at):%d %b %Y %H:%M}): send a new key."
                    )
                return _replay(earlier)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                record.status = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.body = response.content
                record.save(update_fields=["status", "content_type", "body"])
            else:
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                else:
                    record.delete()
        return response


def purge(today=None) -> int:
    """Forget the keys older than ``RETENTION`` (the daily pass)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()
    return deleted
