"""@mentions: finding them in plain text, and rendering a comment's body safely.

A mention is ``@`` followed by a username (letters, digits and ``_ . + -``, as Django allows),
or ``@first.last``. It must not follow a word character, so ``ann@example.com`` is no mention.
A trailing full stop or hyphen belongs to the sentence, not the name (``thanks @alice.``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.html import escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe

MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]{1,150})")
#: At most this many different people are resolved per comment (the rest stay plain text).
MAX_MENTIONS = 20


def _clean(handle: str) -> str:
    return handle.rstrip(".-+")


def handles(text: str) -> list[str]:
    """The distinct handles in ``text``, lower-case, in order of first appearance."""
    found: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        handle = _clean(match.group(1)).lower()
        if handle:
            found.setdefault(handle)
    return list(found)[:MAX_MENTIONS]


def _text(segment: str) -> str:
    # urlize escapes the text itself and turns bare links into rel="nofollow" anchors.
    return urlize(segment, trim_url_limit=60, nofollow=True, autoescape=True)


def render(text: str, mentions: Mapping[str, Any]) -> SafeString:
    """``text`` as HTML: escaped, links clickable, line breaks kept, mentions highlighted.

    ``mentions`` maps a lower-case handle to an object with ``notified`` (bool), ``name`` (the
    person's name) and ``why`` (why they were not notified, as this reader may know it).
    """
    parts: list[str] = []
    last = 0
    for match in MENTION.finditer(text or ""):
        raw = match.group(1)
        handle = _clean(raw)
        mention = mentions.get(handle.lower())
        if mention is None or not handle:
            continue
        parts.append(_text(text[last : match.start()]))
        if mention.notified:
            parts.append(
                format_html(
                    '<span class="badge rounded-pill text-bg-primary fw-medium mention" title="{} · notified">@{}</span>',
                    mention.name,
                    handle,
                )
            )
        else:
            parts.append(
                format_html(
                    '<span class="badge rounded-pill text-bg-light border text-secondary fw-normal mention" '
                    'title="Not notified{}">@{}</span>',
                    f": {mention.why}" if mention.why else "",
                    handle,
                )
            )
        parts.append(escape(raw[len(handle) :]))
        last = match.end()
    parts.append(_text(text[last:]))
    html = "".join(str(p) for p in parts).replace("\r\n", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - every piece above is escaped
