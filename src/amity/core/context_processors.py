from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from amity import __version__


def amity(request: HttpRequest) -> dict:
    return {"amity_version": __version__, "reporting_currency": settings.AMITY_REPORTING_CURRENCY}
