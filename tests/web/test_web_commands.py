"""``chidao serve``, ``chidao user`` and ``chidao token``: the commands, on a store built from our texts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_user_and_token_commands(sqlite_db):
    added = runner.invoke(app, ["user", "add", "analyst", "--password-stdin", "--db", sqlite_db],
                          input="mot-mat-khau-dai\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["user", "add", "analyst", "--password-stdin", "--db", sqlite_db], input="x" * 12 + "\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(app, ["user", "add", "bob", "--password-stdin", "--db", sqlite_db], input="ngan\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    made = runner.invoke(app, ["token", "add", "jira", "--db", sqlite_db])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[0]
    assert token.startswith("chd_")

    from webkit import login, make_client

    with make_client(sqlite_db) as client:
        login(client, "analyst", "mot-mat-khau-dai")
        assert client.get("/review").status_code == 200
        first = client.get("/api/tasks").json()["items"][0]["id"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post(f"/api/tasks/{first}/review", json={"action": "accept"}, headers=headers).status_code == 200
        revoked = runner.invoke(app, ["token", "revoke", "jira", "--db", sqlite_db])
        assert revoked.exit_code == 0
        assert client.post(f"/api/tasks/{first}/review", json={"action": "reject"}, headers=headers).status_code == 401
    listed = runner.invoke(app, ["token", "list", "--db", sqlite_db])
    assert "jira" in listed.output and token not in listed.output


def test_serve_refuses_a_store_without_the_schema(tmp_path):
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1 and "chidao db upgrade" in result.output


def test_chidao_serve_answers_the_app_the_api_the_docs_and_the_calendar(sqlite_db):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "CHIDAO_WEBHOOKS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", sqlite_db, "--port", str(port),
                             "--log-level", "warning"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/tasks", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chidao serve did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        home = httpx.get(base + "/")
        assert home.status_code == 200 and "Tổng quan nhiệm vụ" in home.text
        tasks = httpx.get(base + "/api/tasks").json()
        assert len(tasks["items"]) == 13
        assert "swagger-ui" in httpx.get(base + "/docs").text
        calendar = httpx.get(base + "/tasks.ics")
        assert calendar.headers["content-type"].startswith("text/calendar")
        assert len(Calendar.from_ical(calendar.content).walk("VTODO")) == 13
    finally:
        proc.terminate()
        proc.wait(10)
