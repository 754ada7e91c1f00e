"""The server-error handler: "the database is unavailable" is a 503, not a 500.

Django calls ``handler500`` from inside the ``except`` block of the request that failed, so
the exception is at hand. When it is a database connection error (PostgreSQL restarting, the
network to it gone, SQLite locked past its timeout) nothing was written - each write runs in
a transaction that rolls back - and the right answer is *try again shortly*: 503 with
``Retry-After``, JSON for the API, a short page otherwise. Any other exception stays a 500.
A full disk (``ENOSPC``, ``EDQUOT``) while storing an upload is a 507 that says so; the
storage (:mod:`amity.core.storage`) has removed the partial file and the record's transaction
rolled back. Found by the PostgreSQL-restart and disk-full scenarios of ``make reliability``
(docs/reliability.md).
"""

from __future__ import annotations

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error as django_server_error

#: Seconds a client should wait before trying again (a PostgreSQL restart takes a few).
RETRY_AFTER = 5
MESSAGE = "The database is unavailable for a moment; nothing was saved. Please try again shortly."
DISK_FULL = (
    "The server has no room left to store the uploaded file (its disk is full); nothing was saved. "
    "Tell your Amity operator, then try again."
)
PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unavailable · Amity</title>'
    '</head><body style="font-family:system-ui,sans-serif;text-align:center;padding:4rem">'
    f"<h1>Amity is unavailable for a moment</h1><p>{MESSAGE}</p></body></html>"
)


def database_unavailable(exc: BaseException | None) -> bool:
    """A connection-level database error (not a constraint or a bad query)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def disk_full(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def _answer(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    page = PAGE.replace("Amity is unavailable for a moment", title).replace(MESSAGE, message)
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        response = _answer(request, 503, "Amity is unavailable for a moment", MESSAGE)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if disk_full(exc):
        return _answer(request, 507, "No room to store the file", DISK_FULL)
    return django_server_error(request, template_name=template_name)
