"""Check that a webhook really comes from Amity - and a small local receiver to try it.

Copy ``verify_amity_webhook`` into your receiver: it needs only the Python standard library.
The same function is printed in docs/webhooks.md, and Amity's tests run it against real
deliveries (tests/webhooks/), so the two cannot drift apart.

Run the receiver (it prints each event and answers 200 for a good signature, 400 otherwise):

    python docs/webhook_verify.py --secret whsec_... [--port 8765]

then point a webhook at http://127.0.0.1:8765/ and press "Send test delivery".
"""

import hashlib
import hmac
import time


def verify_amity_webhook(secret, headers, body, tolerance=300, now=None):
    """True when ``body`` (the raw request body, bytes) was signed by Amity with ``secret``
    less than ``tolerance`` seconds ago. ``headers`` maps header names to values (any case)."""
    lower = {str(name).lower(): value for name, value in headers.items()}
    timestamp = lower.get("amity-timestamp", "")
    signatures = lower.get("amity-signature", "")
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False  # too old (or from the future): a replay
    message = timestamp.encode() + b"." + body
    expected = "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, s.strip()) for s in signatures.split(","))


def serve(secret, port=8765):  # pragma: no cover - an example for people, not for the tests
    import json
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not verify_amity_webhook(secret, dict(self.headers), body):
                self.send_response(400)
                self.end_headers()
                self.wfile.write(b"bad signature")
                return
            delivery = self.headers["Amity-Delivery"]
            if delivery not in seen:  # a redelivery of the same delivery id: already handled
                seen.add(delivery)
                event = json.loads(body)
                print(self.headers["Amity-Event"], json.dumps(event, indent=2))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

    print(f"Receiving Amity webhooks on http://127.0.0.1:{port}/ (Ctrl+C stops)")
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()


if __name__ == "__main__":  # pragma: no cover
    import argparse

    parser = argparse.ArgumentParser(description="A local receiver for Amity webhooks.")
    parser.add_argument("--secret", required=True, help="The webhook's secret (whsec_...).")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    serve(args.secret, args.port)
