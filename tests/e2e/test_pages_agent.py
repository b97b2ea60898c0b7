"""The agent desktop in Debian's chromium: a call rings through the CTI webhook and the card of
the right customer pops up; the wrap-up saved from the page shows in the caller's history, and
a note carrying markup stays text."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import Browser, expect

from contact_center.roles import Role
from tests.e2e.pages_app import PagesApp, sign_in, signed_in

pytestmark = [pytest.mark.services, pytest.mark.browser]

XSS = '<img src=x onerror="document.title=\'owned\'">'


def test_a_ringing_call_pops_the_callers_card_and_the_wrap_up_lands_in_the_history(
        served_pages: PagesApp, browser: Browser) -> None:
    app = served_pages
    login = f"emma-{uuid4().hex[:6]}"
    agent = app.onboard("Emma Taylor", login, "support", f"1{uuid4().int % 1000:03d}")
    phone = f"+49305557{uuid4().int % 10000:04d}"
    _, position = app.register("Margaret Hamilton", phone)
    app.wait_for_lookup(phone, position)

    app.user(Role.AGENT, login, agent)
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.goto(f"{app.base}/agent")
    sign_in(page, login)
    expect(page.locator("#socket-status")).to_have_text("live")

    call = f"call-{uuid4().hex[:8]}"
    app.cti("newCall", call, phone.removeprefix("+"), login)
    expect(page.locator("#call-match")).to_have_text("known caller")
    expect(page.locator("#card-name")).to_have_text("Margaret Hamilton")
    # A new customer: nothing under the card's headings yet, and the card says so.
    expect(page.locator("#card p.muted")).to_have_text(["None.", "None.", "None recorded."])

    app.cti("answer", call, phone.removeprefix("+"), login)
    expect(page.locator("#call-state")).to_have_text("answered by you")
    page.fill("#wrap-up input[name=code]", "billing-question")
    page.fill("#wrap-up textarea[name=notes]", f"Asked about the invoice {XSS}")
    page.click("#wrap-up button[type=submit]")
    expect(page.locator("#wrap-up-result")).to_have_text("Wrap-up saved.")
    entry = page.locator("#timeline .entry").filter(has_text="billing-question")
    expect(entry.locator(".wrap-up-notes")).to_have_text(f"Asked about the invoice {XSS}")
    assert page.locator("#timeline img").count() == 0
    assert page.title() != "owned"
    context.close()


def test_an_unknown_caller_becomes_a_customer_linked_to_the_call(served_pages: PagesApp,
                                                                 browser: Browser) -> None:
    app = served_pages
    login = f"aisha-{uuid4().hex[:6]}"
    agent = app.onboard("Aisha Khan", login, "sales", f"3{uuid4().int % 1000:03d}")
    app.user(Role.AGENT, login, agent)
    page = browser.new_page()
    page.goto(f"{app.base}/agent")
    sign_in(page, login)
    expect(page.locator("#socket-status")).to_have_text("live")

    caller = f"49221555{uuid4().int % 10000:04d}"
    app.cti("newCall", f"call-{uuid4().hex[:8]}", caller, login)
    expect(page.locator("#call-match")).to_have_text("unknown caller")
    form = page.locator("form.create-customer")
    expect(form.locator("input[name=phone]")).to_have_value(f"+{caller}")
    form.locator("input[name=display_name]").fill("Katherine Johnson")
    form.locator("button[type=submit]").click()

    expect(page.locator("#card-name")).to_have_text("Katherine Johnson")
    expect(page.locator("#timeline .entry.interaction")).to_have_count(1)
    expect(page.locator("#timeline .entry.interaction .what")).to_contain_text("call · inbound · ringing")
    page.close()


def test_an_expiring_token_sends_the_agent_back_to_sign_in(served_pages: PagesApp,
                                                           browser: Browser) -> None:
    app = served_pages
    login = f"sofia-{uuid4().hex[:6]}"
    agent = app.onboard("Sofia Rossi", login, "support", f"4{uuid4().int % 1000:03d}")
    token, _ = app.container.agent_tokens.tokens.mint(agent, 5)  # an admin-minted token of 5 s
    context = browser.new_context()
    signed_in(context, {"access_token": token, "token_type": "bearer", "role": "agent", "username": login,
                        "agent_id": str(agent), "expires_at": None})
    page = context.new_page()
    page.goto(f"{app.base}/agent")
    # Open before it expires, the socket is closed with 4401; refused in the handshake when the
    # page was slower, the page asks /auth/me. Either way the agent is asked to sign in again.
    expect(page.locator("#login-error")).to_have_text("Your session has ended. Please sign in again.",
                                                      timeout=15_000)
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    context.close()
