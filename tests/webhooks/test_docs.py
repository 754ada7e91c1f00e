"""docs/webhooks.md shows the verification snippet exactly as docs/webhook_verify.py has it (which
the delivery tests run against real deliveries), and documents every event."""

from __future__ import annotations

import re

from amity.webhooks import catalog, signing

from .conftest import DOCS

PAGE = (DOCS / "webhooks.md").read_text(encoding="utf-8")
SNIPPET_FILE = (DOCS / "webhook_verify.py").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE, flags=re.S)


def test_the_page_shows_the_snippet_file_unchanged():
    (block,) = [b for b in python_blocks() if "def verify_amity_webhook" in b]
    assert block.strip() in SNIPPET_FILE


def test_the_snippet_on_the_page_verifies_what_amity_signs():
    (block,) = [b for b in python_blocks() if "def verify_amity_webhook" in b]
    namespace: dict = {}
    exec(compile(block, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 - our own docs
    verify = namespace["verify_amity_webhook"]
    body = b'{"event":"ping"}'
    headers = {"Amity-Timestamp": "1790000000", "Amity-Signature": signing.sign("whsec_x", 1790000000, body)}
    assert verify("whsec_x", headers, body, now=1790000100)
    assert not verify("whsec_x", headers, body + b"!", now=1790000100)
    assert not verify("whsec_x", headers, body, now=1790000400)


def test_every_event_is_documented():
    for name in [*catalog.EVENTS, catalog.PING]:
        assert f"`{name}`" in PAGE, name


def test_the_documented_retry_schedule_is_the_real_one():
    from amity.webhooks.services import BACKOFF, MAX_ATTEMPTS

    assert [int(b.total_seconds()) for b in BACKOFF] == [60, 300, 1800, 7200, 43200]
    assert MAX_ATTEMPTS == 6
    assert "1 min, 5 min, 30 min, 2 h and 12 h" in PAGE and "6th" in PAGE
