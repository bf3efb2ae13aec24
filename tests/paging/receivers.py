"""A real local HTTP receiver for webhook tests: checks the HMAC signature itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    """Records every POST; answers 200 with an id when the signature is right, 401 if not.

    ``stall_first`` seconds: the first request is held that long and then dropped
    (a gateway hanging while the worker is killed). Keys already accepted are not
    accepted twice (an idempotent gateway), so ``accepted`` counts deliveries.
    """

    def __init__(self, secret: str, stall_first: float = 0.0) -> None:
        self.secret = secret
        self.stall_first = stall_first
        self.requests: list[dict] = []
        self.accepted: dict[str, int] = {}
        self.duplicates: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                timestamp = self.headers.get("X-Paging-Timestamp", "")
                expected = (
                    "v1="
                    + hmac.new(
                        receiver.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                    ).hexdigest()
                )
                valid = hmac.compare_digest(expected, self.headers.get("X-Paging-Signature", ""))
                key = self.headers.get("Idempotency-Key", "")
                with receiver.lock:
                    receiver.requests.append(
                        {"key": key, "valid": valid, "body": json.loads(body or b"{}"),
                         "headers": dict(self.headers)}
                    )  # fmt: skip
                    first = len(receiver.requests) == 1
                if first and receiver.stall_first:
                    time.sleep(receiver.stall_first)
                    self.close_connection = True
                    return
                if not valid:
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.lock:
                    if key in receiver.accepted:
                        receiver.duplicates.append(key)
                    receiver.accepted[key] = receiver.accepted.get(key, 0) + 1
                reply = json.dumps({"id": f"gw-{len(receiver.accepted)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class PingReceiver:
    """Counts GETs (an external heartbeat monitor)."""

    def __init__(self) -> None:
        self.hits = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                receiver.hits += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/ping"

    def __enter__(self) -> PingReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
