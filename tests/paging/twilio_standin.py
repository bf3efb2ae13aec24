"""A local stand-in for Twilio's Messages API: a real HTTP server the twilio library talks to.

It speaks what the SMS channel uses of the 2010-04-01 API: ``POST .../Messages.json``
(form fields ``To``, ``From``, ``Body``; HTTP Basic auth with the account SID and auth
token) and ``GET .../Messages.json`` (newest first, ``From`` filter, ``PageSize``).
Faults, each for the first POST only:

* ``stall_first`` seconds: hold the request and drop it, creating nothing (a timeout);
* ``lose_first_answer``: create the message, then hold and drop the answer (a lost
  response after Twilio accepted it);
* ``refuse``: ``(status, code, message)`` answered as Twilio's JSON error, every time.
"""

from __future__ import annotations

import base64
import email.utils
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages\.json$")


class TwilioStandIn:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        stall_first: float = 0.0,
        lose_first_answer: float = 0.0,
        refuse: tuple[int, int, str] | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.stall_first = stall_first
        self.lose_first_answer = lose_first_answer
        self.refuse = refuse
        self.posts: list[dict] = []
        self.gets: list[str] = []
        self.messages: list[dict] = []  # created, oldest first
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _authorized(self) -> bool:
                expected = base64.b64encode(
                    f"{standin.account_sid}:{standin.auth_token}".encode()
                ).decode()
                return self.headers.get("Authorization", "") == f"Basic {expected}"

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, code: int, message: str) -> None:
                self._json(
                    status,
                    {"code": code, "message": message, "status": status,
                     "more_info": f"https://www.twilio.com/docs/errors/{code}"},
                )  # fmt: skip

            def do_POST(self):
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with standin.lock:
                    standin.posts.append({"path": url.path, "form": form,
                                          "authorized": self._authorized()})  # fmt: skip
                    first = len(standin.posts) == 1
                match = MESSAGES.match(url.path)
                if not match or match.group(1) != standin.account_sid:
                    return self._error(404, 20404, "The requested resource was not found")
                if not self._authorized():
                    return self._error(401, 20003, "Authenticate")
                if first and standin.stall_first:
                    time.sleep(standin.stall_first)  # the client gave up; nothing created
                    self.close_connection = True
                    return None
                if standin.refuse:
                    return self._error(*standin.refuse)
                message = standin.create(form)
                if first and standin.lose_first_answer:
                    time.sleep(standin.lose_first_answer)  # created, but the answer is lost
                    self.close_connection = True
                    return None
                return self._json(201, message)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                with standin.lock:
                    standin.gets.append(self.path)
                match = MESSAGES.match(url.path)
                if not match or match.group(1) != standin.account_sid:
                    return self._error(404, 20404, "The requested resource was not found")
                if not self._authorized():
                    return self._error(401, 20003, "Authenticate")
                size = int(query.get("PageSize", 50))
                found = [
                    m
                    for m in reversed(standin.messages)
                    if all(m[f] == query[p] for p, f in (("To", "to"), ("From", "from"))
                           if p in query)
                ][:size]  # fmt: skip
                return self._json(
                    200,
                    {"messages": found, "page": 0, "page_size": size, "start": 0,
                     "end": max(len(found) - 1, 0), "uri": url.path, "first_page_uri": url.path,
                     "next_page_uri": None, "previous_page_uri": None},
                )  # fmt: skip

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def create(self, form: dict) -> dict:
        """Record a message as Twilio would (also used to stage one already sent)."""
        now = email.utils.formatdate(usegmt=True)
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": self.account_sid,
            "to": form.get("To", ""),
            "from": form.get("From", ""),
            "body": form.get("Body", ""),
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/x.json",
        }
        with self.lock:
            self.messages.append(message)
        return message

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> TwilioStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
