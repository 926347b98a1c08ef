"""Webhooks against a receiving server on 127.0.0.1: signed POSTs, retried with backoff, logged."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from webkit import make_client

from pipeline.web.webhooks import SIGNATURE_HEADER, sign, verify

SECRET = "bi-mat-cua-tracker-0123456789"


class Receiver:
    """An HTTP server that answers the statuses it is given in turn (then 200) and keeps what it received."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, f"received {len(self.received)} of {count} POSTs"


def _wait(predicate, timeout: float = 15.0):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def hook_client(sqlite_db):
    with make_client(sqlite_db, webhooks=True, webhook_backoff=0.2, webhook_poll=0.1, webhook_max_attempts=3) as c:
        yield c


def _task(client, part: str) -> int:
    return next(t["id"] for t in client.get("/api/tasks", params={"limit": 100}).json()["items"] if part in t["text"])


def test_an_accepted_task_is_posted_signed_and_retried_after_a_failure(hook_client, sqlite_db):
    from webkit import token_of

    auth = {"Authorization": f"Bearer {token_of(sqlite_db)}"}
    with Receiver([500]) as receiver:
        made = hook_client.post("/api/webhooks", json={"url": receiver.url, "secret": SECRET}, headers=auth)
        assert made.status_code == 201
        hook = made.json()["id"]
        task = _task(hook_client, "Bộ Y tế")
        reviewed = hook_client.post(f"/api/tasks/{task}/review", json={"action": "accept"}, headers=auth).json()
        assert reviewed["webhook_deliveries"] == 1
        receiver.wait_for(2)  # the first answer was 500: the same delivery came again

        (first_headers, first_body), (headers, body) = receiver.received[:2]
        assert first_body == body and first_headers[SIGNATURE_HEADER.lower()] == headers[SIGNATURE_HEADER.lower()]
        assert [first_headers["x-chidao-attempt"], headers["x-chidao-attempt"]] == ["1", "2"]
        assert headers[SIGNATURE_HEADER.lower()] == sign(SECRET, body)
        assert verify(SECRET, body, headers[SIGNATURE_HEADER.lower()])
        assert not verify("another secret, not the one", body, headers[SIGNATURE_HEADER.lower()])
        event = json.loads(body)
        assert event["event"] == "task.accepted" and headers["x-chidao-event"] == "task.accepted"
        assert event["task"]["id"] == task and event["task"]["review_status"] == "accepted"
        assert event["who"] == "token:tracker"
        assert event["changes"] == [{"field": "review_status", "before": "pending", "after": "accepted"}]

        log = _wait(lambda: [d for d in hook_client.get(f"/api/webhooks/{hook}/deliveries", headers=auth).json()
                             if d["status"] == "delivered"])
        assert log[0]["attempts"] == 2 and [a["status_code"] for a in log[0]["attempts_log"]] == [500, 200]
        assert log[0]["attempts_log"][0]["error"] == "HTTP 500"

        # An edit is announced too; a rejection is not (the subscription did not ask for it).
        other = _task(hook_client, "Bộ Quốc phòng")
        hook_client.post(f"/api/tasks/{other}/review", json={"action": "reject"}, headers=auth)
        hook_client.post(f"/api/tasks/{task}/review", json={"action": "edit", "changes": {"deadline": "2025-12-01"}},
                         headers=auth)
        receiver.wait_for(3)
        time.sleep(0.3)
        assert len(receiver.received) == 3
        edited = json.loads(receiver.received[2][1])
        assert edited["event"] == "task.edited" and edited["task"]["deadline"] == "2025-12-01"


def test_a_dead_endpoint_is_given_up_after_the_last_attempt(hook_client, sqlite_db):
    from webkit import token_of

    auth = {"Authorization": f"Bearer {token_of(sqlite_db)}"}
    with Receiver([503, 503, 503, 503]) as receiver:
        hook = hook_client.post("/api/webhooks", json={"url": receiver.url, "secret": SECRET},
                                headers=auth).json()["id"]
        started = time.monotonic()
        hook_client.post(f"/api/tasks/{_task(hook_client, 'Bộ Y tế')}/review", json={"action": "accept"}, headers=auth)
        log = _wait(lambda: [d for d in hook_client.get(f"/api/webhooks/{hook}/deliveries", headers=auth).json()
                             if d["status"] == "failed"])
        assert log[0]["attempts"] == 3 and len(receiver.received) == 3
        assert time.monotonic() - started >= 0.2 + 0.4  # backoff 0.2 s, then doubled
        assert log[0]["next_attempt_at"] is None and log[0]["last_status_code"] == 503
