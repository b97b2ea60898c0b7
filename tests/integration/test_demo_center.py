"""The demo's call center: customers with earlier contacts and sign-in accounts for the pages."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from contact_center.simulation.demo_center import demo_logins, seed_histories
from contact_center.simulation.population import build_population
from contact_center.simulation.seeding import seed_call_center
from tests.integration.timeline_requests import all_applied, entries


def test_histories_are_logged_once_and_show_in_each_timeline(
        pipeline: tuple[TestClient, Container]) -> None:
    client, container = pipeline
    seeded = seed_call_center(container, build_population(agents=3, customers=12, name="democ"))

    assert seed_histories(container, seeded) > 0
    assert seed_histories(container, seeded) == 0  # a second demo start stores nothing

    all_applied(container)
    for customer_id in seeded.customer_ids:
        timeline = entries(client, str(customer_id), 0)
        contacts = [e for e in timeline if e.get("kind") == "interaction"]
        assert 1 <= len(contacts) <= 3, timeline


def test_demo_logins_sign_in_once_created_and_are_read_back_later(
        pipeline: tuple[TestClient, Container], tmp_path: Path) -> None:
    client, container = pipeline
    seeded = seed_call_center(container, build_population(agents=2, customers=2, name="demol"))
    path = tmp_path / "demo-logins.json"

    logins = demo_logins(container, seeded, path)

    assert [(login.role, login.page) for login in logins] == [
        ("agent", "/agent"), ("supervisor", "/wallboard"), ("auditor", "/audit")]
    assert path.stat().st_mode & 0o077 == 0  # only the operator reads the passwords
    for login in logins:
        answer = client.post("/api/v1/auth/login", json={"username": login.username,
                                                         "password": login.password})
        assert answer.status_code == 200, answer.text
        assert answer.json()["role"] == login.role
    agent = client.post("/api/v1/auth/login", json={"username": logins[0].username,
                                                    "password": logins[0].password}).json()
    assert agent["agent_id"] == str(seeded.agent_ids[logins[0].username])
    assert demo_logins(container, seeded, path) == logins
    assert json.loads(path.read_text())[1]["username"] == "demo.supervisor"
