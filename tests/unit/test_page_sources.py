"""The pages' own files keep the promises the Content-Security-Policy and the XSS defence rest
on: no inline script or handler in the HTML, and no script that turns data into markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.routes.pages import STATIC

HTML = sorted(STATIC.glob("*.html"))
SCRIPTS = sorted(STATIC.glob("js/**/*.js"))
MARKUP_SINKS = re.compile(
    r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(")


def test_there_are_three_pages_and_their_scripts() -> None:
    assert [p.name for p in HTML] == ["agent.html", "audit.html", "wallboard.html"]
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("page", HTML, ids=lambda p: p.name)
def test_pages_hold_no_inline_script_or_style(page: Path) -> None:
    text = page.read_text()
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert scripts, "every page loads its module"
    assert all('src="/static/js/' in tag and 'type="module"' in tag for tag in scripts)
    assert re.search(r"<script\b[^>]*>\s*[^<\s]", text) is None, "no inline script body"
    assert re.search(r"\son[a-z]+\s*=", text) is None, "no inline event handlers"
    assert re.search(r"\sstyle\s*=", text) is None, "no inline style attributes"
    assert "<style" not in text, "no style elements"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(STATIC)))
def test_scripts_never_turn_data_into_markup(script: Path) -> None:
    assert MARKUP_SINKS.search(script.read_text()) is None
