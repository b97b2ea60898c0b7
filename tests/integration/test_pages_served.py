"""The app serves its three pages and their files, each with a strict Content-Security-Policy."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.services


@pytest.mark.parametrize("path", ["/agent", "/wallboard", "/audit"])
def test_each_page_is_served_with_a_strict_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script type="module" src="/static/js/' in response.text


def test_scripts_are_served_as_javascript_with_the_same_headers(client: TestClient) -> None:
    response = client.get("/static/js/agent/main.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_nothing_outside_the_static_folder_is_served(client: TestClient) -> None:
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404
    assert client.get("/static/nope.js").status_code == 404


def test_api_answers_carry_no_page_policy(client: TestClient) -> None:
    assert "content-security-policy" not in client.get("/healthz").headers
