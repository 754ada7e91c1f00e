"""Fixtures of the webhook tests: a real HTTP receiver on 127.0.0.1 and subscriptions to it."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from amity.webhooks import services

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_docs_snippet():
    """docs/webhook_verify.py, the standalone check a receiver copies (imported from the file)."""
    spec = importlib.util.spec_from_file_location("webhook_verify", DOCS / "webhook_verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers with the next of ``answers`` (then 200 "ok")."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    delay: float = 0.0
    extra_headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            if state.delay:
                threading.Event().wait(state.delay)
            status, answer = state.answers.pop(0) if state.answers else (200, b"ok")
            try:
                self.send_response(status)
                for name, value in state.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the sender gave up waiting (timeout tests)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribe(admin):
    """``subscribe(url, events, organization=None, user=admin)`` → (subscription, secret)."""

    def make(url, events, organization=None, user=None, name="Receiver"):
        return services.subscription_create(
            user=user or admin,
            data={"name": name, "url": url, "events": list(events), "organization": organization},
        )

    return make


@pytest.fixture
def emitted(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks (domain events, then the enqueues) as a commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
