"""Helpers of the portal tests: the link in an invitation e-mail, accepting through the page."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.test import Client

#: A password Django's validators accept (long, not common, not like the user's attributes).
STRONG = "violet-Harbour-lantern-73"


def link_in(message) -> str:
    """The path of the accept link in an invitation e-mail (the text part)."""
    url = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    return urlparse(url).path


def accept(path: str, *, username: str = "new.person", password: str = STRONG, client: Client | None = None):
    """POST the accept form; returns (client, response)."""
    client = client or Client()
    response = client.post(
        path,
        {
            "username": username,
            "password": password,
            "password_confirm": password,
            "first_name": "",
            "last_name": "",
        },
    )
    return client, response
