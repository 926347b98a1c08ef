"""The JSON API, the feeds and the pages, through FastAPI's TestClient, on SQLite and on PostgreSQL."""

from __future__ import annotations

from icalendar import Calendar
from webkit import csrf_of, login, make_client


def _ids(items):
    return [t["id"] for t in items]


def _task_id(client, text_part: str) -> int:
    items = client.get("/api/tasks", params={"limit": 500}).json()["items"]
    found = [t["id"] for t in items if text_part in t["text"]]
    assert len(found) == 1, (text_part, [t["text"] for t in items])
    return found[0]


def _drain(client, since: int) -> tuple[list[dict], int]:
    """Poll the change feed like a tracker until it is empty: every item seen, and the position reached."""
    seen = []
    while True:
        page = client.get("/api/tasks", params={"updated_since": since, "limit": 4}).json()
        if not page["items"]:
            return seen, page["next_since"]
        seen += page["items"]
        assert page["next_since"] > since
        since = page["next_since"]


def test_the_app_answers_its_main_addresses(client):
    for path in ("/", "/api/tasks", "/docs", "/tasks.ics", "/openapi.json", "/search", "/documents"):
        assert client.get(path).status_code == 200, path
    docs = client.get("/docs").text
    assert "/docs-static/swagger-ui-bundle.js" in docs and "cdn." not in docs  # served from the package
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/tasks", "/api/bodies", "/api/documents", "/api/webhooks", "/tasks.ics"} <= set(schema["paths"])


def test_free_text_search_without_diacritics_and_filters(client):
    hits = client.get("/api/tasks", params={"q": "bo noi vu"}).json()["items"]
    assert hits and all("Bộ Nội vụ" in t["responsible"] or "Bộ Nội vụ" in t["text"] for t in hits)
    assert any("tinh giản biên chế" in t["text"] for t in hits)
    # The body filter follows the 2025 reorganisation: Bộ Kế hoạch và Đầu tư's task is Bộ Tài chính's now.
    finance = client.get("/api/tasks", params={"body": "Bộ Tài chính"}).json()["items"]
    via = [t for t in finance if t["via"]]
    assert [v["body"] for t in via for v in t["via"]] == ["Bộ Kế hoạch và Đầu tư"]
    assert "phân bổ vốn đầu tư công" in via[0]["text"]
    topic = client.get("/api/tasks", params={"topic": "thien tai"}).json()["items"]
    assert len(topic) == 4 and all("thien-tai" in t["topics"] for t in topic)
    dated = client.get("/api/tasks", params={"deadline_after": "2025-08-01", "deadline_before": "2025-09-30"}).json()
    assert sorted(t["deadline"] for t in dated["items"]) == ["2025-08-15", "2025-09-30"]
    bad = client.get("/api/tasks", params={"body": "Bộ Không Có Thật"})
    assert bad.status_code == 400 and "no body named" in bad.json()["detail"]


def test_cursor_pagination_walks_every_task_once(client):
    everything = _ids(client.get("/api/tasks", params={"limit": 500}).json()["items"])
    assert len(everything) == 13
    walked, cursor = [], None
    while True:
        page = client.get("/api/tasks", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        walked += _ids(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == everything
    assert client.get("/api/tasks", params={"cursor": "x"}).status_code == 400


def test_a_reviewers_edit_appears_in_the_change_feed_exactly_once(client):
    seen, since = _drain(client, 0)
    assert sorted(_ids(seen)) == sorted(set(_ids(seen)))  # the initial load: each task once
    task = _task_id(client, "tinh giản biên chế")
    csrf = login(client)
    response = client.post(f"/tasks/{task}/edit", data={
        "csrf_token": csrf, "deadline": "2025-07-15", "responsible": ["Bộ Nội vụ"], "coordinate": [""],
        "topics": ["cai-cach-hanh-chinh", "the-che-phap-luat"], "next": "/review"}, follow_redirects=False)
    assert response.status_code == 303
    changed, after = _drain(client, since)
    assert _ids(changed) == [task]
    assert changed[0]["deadline"] == "2025-07-15" and changed[0]["review_status"] == "edited"
    assert _drain(client, after) == ([], after)  # polling again repeats nothing
    whole, _ = _drain(client, 0)
    assert _ids(whole).count(task) == 1  # a tracker starting now sees the task once, at its latest state
    events = client.get(f"/api/tasks/{task}").json()["reviews"]
    assert [(e["field"], e["before"], e["after"], e["who"]) for e in events] == [
        ("deadline", "2025-06-30", "2025-07-15", "reviewer"), ("review_status", "pending", "edited", "reviewer")]
    assert client.get("/api/tasks", params={"updated_since": 0, "q": "x"}).status_code == 400


def test_writing_needs_a_login_or_a_token(client, api_token):
    task = _task_id(client, "Bộ Y tế")
    url = f"/api/tasks/{task}/review"
    assert client.post(url, json={"action": "accept"}).status_code == 401
    assert client.post(url, json={"action": "accept"}, headers={"Authorization": "Bearer chd_wrong"}).status_code == 401
    ok = client.post(url, json={"action": "edit", "changes": {"deadline": "2025-11-30", "responsible": ["BYT"]}},
                     headers={"Authorization": f"Bearer {api_token}"})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["task"]["deadline"] == "2025-11-30" and body["task"]["review_status"] == "edited"
    assert {e["who"] for e in body["events"]} == {"token:tracker"}
    # A logged-in browser session must also send the CSRF token: a cookie alone could be a forged request.
    csrf = login(client)
    assert client.post(url, json={"action": "reject"}).status_code == 403
    assert client.post(url, json={"action": "reject"}, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.post(url, json={"action": "frobnicate"}, headers={"X-CSRF-Token": csrf}).status_code == 422
    bad = client.post(url, json={"action": "edit", "changes": {"topics": ["không có"]}}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400 and "no topic" in bad.json()["detail"]


def test_every_form_checks_its_csrf_token(client):
    page = client.get("/login")
    assert page.status_code == 200
    bad_login = client.post("/login", data={"name": "reviewer", "password": "x"}, follow_redirects=False)
    assert bad_login.status_code == 403
    csrf = login(client)
    task = _task_id(client, "Bộ Y tế")
    assert client.post(f"/tasks/{task}/accept", data={}, follow_redirects=False).status_code == 403
    assert client.post(f"/tasks/{task}/accept", data={"csrf_token": "forged"}, follow_redirects=False).status_code == 403
    done = client.post(f"/tasks/{task}/accept", data={"csrf_token": csrf}, headers={"Accept": "application/json"})
    assert done.status_code == 200 and done.json()["review_status"] == "accepted"
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403


def test_login_rejects_a_wrong_password_and_open_redirects(client):
    csrf = csrf_of(client)
    wrong = client.post("/login", data={"name": "reviewer", "password": "sai-mat-khau", "csrf_token": csrf})
    assert wrong.status_code == 401 and "Sai tên đăng nhập" in wrong.text
    assert client.get("/review", follow_redirects=False).headers["location"].startswith("/login?next=")
    from webkit import PASSWORD

    ok = client.post("/login", data={"name": "reviewer", "password": PASSWORD, "csrf_token": csrf,
                                     "next": "//evil.example/x"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/review"
    assert client.get("/review").status_code == 200


def test_review_queue_and_edit_form_resolve_bodies(client):
    csrf = login(client)
    queue = client.get("/review").text
    assert queue.count('class="card"') == 13 and "13 nhiệm vụ chờ duyệt" in queue
    filtered = client.get("/review", params={"body": "bo cong thuong"}).text
    assert filtered.count('class="card"') == 1
    task = _task_id(client, "Bộ Quốc phòng")
    response = client.post(f"/tasks/{task}/edit", data={
        "csrf_token": csrf, "responsible": ["Bộ QP", "bo cong an", ""], "coordinate": ["Bộ KH&ĐT"],
        "deadline": "", "topics": ["thien-tai"], "next": f"/tasks/{task}"}, follow_redirects=False)
    assert response.headers["location"] == f"/tasks/{task}"
    data = client.get(f"/api/tasks/{task}").json()
    assert data["task"]["responsible"] == ["Bộ Quốc phòng", "Bộ Công an"]
    assert data["task"]["coordinate"] == ["Bộ Kế hoạch và Đầu tư"]
    assert [e["field"] for e in data["reviews"]] == ["coordinate", "review_status"]
    assert "Bộ Quốc phòng" not in client.get("/review").text.split("task-" + str(task))[0][-1:]  # left the queue
    assert f'id="task-{task}"' not in client.get("/review").text


def test_closed_reading_needs_a_login_or_a_token(db, api_token):
    with make_client(db, open_reading=False) as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
        assert client.get("/api/tasks").status_code == 401
        assert client.get("/tasks.ics").status_code == 401
        headers = {"Authorization": f"Bearer {api_token}"}
        assert client.get("/api/tasks", headers=headers).status_code == 200
        assert client.get("/tasks.ics", params={"token": api_token}).status_code == 200
        assert client.get("/docs").status_code == 200
        login(client)
        assert client.get("/").status_code == 200


def test_icalendar_feed_has_one_vtodo_per_live_task(client, api_token):
    task = _task_id(client, "Bộ Y tế")
    client.post(f"/api/tasks/{task}/review", json={"action": "reject"},
                headers={"Authorization": f"Bearer {api_token}"})
    response = client.get("/tasks.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    todos = Calendar.from_ical(response.content).walk("VTODO")
    assert len(todos) == 12  # the rejected task is left out
    assert len({str(t["uid"]) for t in todos}) == 12
    due = {str(t["summary"])[:20]: t.decoded("due").isoformat() for t in todos if t.get("due")}
    assert due["Bộ Nội vụ hoàn thành"] == "2025-06-30"
    by_body = Calendar.from_ical(client.get("/tasks.ics", params={"body": "Bộ Tài chính"}).content).walk("VTODO")
    assert len(by_body) == 3  # two of its own and one of Bộ Kế hoạch và Đầu tư, merged into it
    by_topic = Calendar.from_ical(client.get("/tasks.ics", params={"topic": "y-te"}).content).walk("VTODO")
    assert by_topic == []


def test_bodies_documents_and_webhook_endpoints(client, api_token):
    bodies = client.get("/api/bodies", params={"q": "bo noi vu"}).json()
    assert bodies[0]["name"] == "Bộ Nội vụ" and "Bộ Lao động - Thương binh và Xã hội" in bodies[0]["predecessors"]
    merged = client.get("/api/bodies", params={"q": "KH&ĐT"}).json()
    assert merged[0]["name"] == "Bộ Kế hoạch và Đầu tư" and merged[0]["successors"] == ["Bộ Tài chính"]
    docs = client.get("/api/documents", params={"limit": 3}).json()
    assert len(docs["items"]) == 3 and docs["next_cursor"]
    rest = client.get("/api/documents", params={"cursor": docs["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    first = min(d["id"] for d in docs["items"] + rest["items"])
    detail = client.get(f"/api/documents/{first}").json()
    assert len(detail["directives"]) == 5 and [f["text"] for f in detail["figures"]] == ["15,6%", "8.500 tỉ đồng"]
    for d in detail["directives"]:
        assert detail["text"][d["start"]:d["end"]] == d["text"]
    assert client.get("/api/documents/99999").status_code == 404
    assert client.get("/api/webhooks").status_code == 401
    headers = {"Authorization": f"Bearer {api_token}"}
    bad = client.post("/api/webhooks", json={"url": "javascript:alert(1)", "secret": "x" * 20}, headers=headers)
    assert bad.status_code == 422
    made = client.post("/api/webhooks", json={"url": "http://127.0.0.1:9/hook", "secret": "s" * 20}, headers=headers)
    assert made.status_code == 201 and "secret" not in made.json()
    assert [w["url"] for w in client.get("/api/webhooks", headers=headers).json()] == ["http://127.0.0.1:9/hook"]
    assert client.delete(f"/api/webhooks/{made.json()['id']}", headers=headers).status_code == 204


def test_search_page_facets_follow_the_reorganisation(client):
    page = client.get("/search", params={"q": "dau tu cong"})
    assert page.status_code == 200
    html = page.text
    assert "Bộ Tài chính" in html and "gồm Bộ Kế hoạch và Đầu tư (1)" in html
    assert 'data-facet="topic"' in html and "đầu tư công" in html
    assert client.get("/search", params={"deadline_after": "soon"}).status_code == 400
    dashboard = client.get("/").text
    assert dashboard.count("<svg") == 3 and "Bộ Tài chính" in dashboard and "Quá hạn" in dashboard


def test_crawled_markup_is_shown_as_text_everywhere(client):
    csrf = login(client)
    assert csrf
    task = _task_id(client, "xăng dầu")
    doc = client.get(f"/api/tasks/{task}").json()["task"]["document"]["document_id"]
    for path in (f"/documents/{doc}", f"/tasks/{task}", "/review", "/search?q=xang+dau", "/documents", "/"):
        html = client.get(path).text
        assert "<script>window" not in html and "<img src" not in html and "<svg onload" not in html, path
        assert 'href="javascript:' not in html, path
    html = client.get(f"/documents/{doc}").text
    assert "&lt;script&gt;window.__pwned=&#39;script-in-task&#39;&lt;/script&gt;" in html
    assert "content-security-policy" in client.get("/").headers


def test_reextraction_keeps_the_reviewers_decisions(sqlite_db, extractor):
    from pipeline.process import process_documents

    with make_client(sqlite_db) as client:
        csrf = login(client)
        edited = _task_id(client, "tinh giản biên chế")
        rejected = _task_id(client, "Bộ Y tế")
        client.post(f"/tasks/{edited}/edit", data={
            "csrf_token": csrf, "deadline": "2025-07-15", "responsible": ["Bộ Nội vụ"], "text": "Bộ Nội vụ trình "
            "dự thảo Nghị định về tinh giản biên chế", "topics": ["cai-cach-hanh-chinh"]})
        client.post(f"/tasks/{rejected}/reject", data={"csrf_token": csrf})
        report = process_documents(sqlite_db, everything=True, extractor=extractor)
        assert report.done == 4 and not report.failed
        after = client.get(f"/api/tasks/{edited}").json()["task"]
        assert (after["deadline"], after["review_status"]) == ("2025-07-15", "edited")
        assert after["text"] == "Bộ Nội vụ trình dự thảo Nghị định về tinh giản biên chế"
        assert client.get(f"/api/tasks/{rejected}").json()["task"]["review_status"] == "rejected"
        assert len(client.get("/api/tasks", params={"limit": 500}).json()["items"]) == 13  # nothing doubled
