"""Screenshots of the three pages with a realistic afternoon on the floor, for docs/pages.md.

    .venv/bin/python -m tests.e2e.page_screenshots [docs/pages]

Starts its own embedded PostgreSQL and Kafka (or uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS),
serves the app, seeds agents, customers, cases and calls through the API and the CTI webhook,
signs in as an agent, a supervisor and an auditor in Debian's chromium, and writes
agent.png, agent-phone.png, wallboard.png and audit.png.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

from playwright.sync_api import Browser, ViewportSize, expect

from adapters.services.stack import LocalStack
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.e2e.browser import chromium
from tests.e2e.pages_app import PagesApp, pages_app, sign_in

AGENTS = [("Emma Taylor", "emma", "support", "1001"), ("Christopher Miller", "chris", "support", "1002"),
          ("Aisha Khan", "aisha", "sales", "2001"), ("Lukas Becker", "lukas", "sales", "2002"),
          ("Sofia Rossi", "sofia", "support", "1003"), ("Noah Fischer", "noah", "sales", "2003")]
CUSTOMERS = [("Margaret Hamilton", "+493055571600"), ("Grace Hopper", "+493055571601"),
             ("Alan Turing", "+493055571602"), ("Katherine Johnson", "+493055571603"),
             ("Linus Pauling", "+493055571604"), ("Barbara Liskov", "+493055571605")]
WRAP_UPS = ["billing-question", "resolved", "callback-promised", "complaint", "contract-change"]


def seed(app: PagesApp) -> dict[str, UUID]:
    """Agents on two teams, customers, a complaint, and a morning of calls with wrap-ups: the
    last two hours, so the app's clock starts that far behind and catches up at the end."""
    rng = random.Random(7)
    app.clock.ahead = timedelta(hours=-2)
    agents = {login: app.onboard(name, login, team, ext) for name, login, team, ext in AGENTS}
    customers = {name: app.register(name, phone)[0] for name, phone in CUSTOMERS}
    margaret = customers["Margaret Hamilton"]
    for purpose, granted in (("marketing_email", True), ("marketing_call", False)):
        app.post(f"/api/v1/customers/{margaret}/consents", {
            "channel": "email" if purpose == "marketing_email" else "phone", "purpose": purpose,
            "granted": granted, "source": "web form"})
    complaint = app.post("/api/v1/cases", {
        "kind": "complaint", "category": "billing", "priority": "high", "customer_id": str(margaret),
        "summary": "Charged twice for the March invoice", "first_response_minutes": 180,
        "resolution_minutes": 2880}).json()["id"]
    app.post(f"/api/v1/cases/{complaint}/assign", {"agent_id": str(agents["emma"])})
    app.post("/api/v1/cases", {  # its first response is due in a minute: breached by the calls below
        "kind": "service_request", "category": "delivery", "priority": "urgent",
        "customer_id": str(customers["Grace Hopper"]), "summary": "Parcel not delivered",
        "first_response_minutes": 1, "resolution_minutes": 240})
    for n in range(22):
        login = rng.choice(list(agents))
        name, phone = rng.choice(CUSTOMERS)
        call = f"seed-{n}-{uuid4().hex[:6]}"
        app.cti("newCall", call, phone.removeprefix("+"), login)
        app.cti("answer", call, phone.removeprefix("+"), login)
        app.clock.advance(rng.randint(35, 400))
        app.cti("hangup", call, phone.removeprefix("+"), login, cause="normalClearing")
        notes = "Explained the double charge; refund requested." if name == "Margaret Hamilton" else None
        app.post(f"/api/v1/interactions/{app.interaction_of(call)}/wrap-up",
                 {"code": rng.choice(WRAP_UPS), "notes": notes})
    app.put(f"/api/v1/customers/{margaret}/details", {"display_name": "Margaret H. Hamilton",
                                                       "given_name": "Margaret", "family_name": "Hamilton"})
    app.clock.ahead = max(app.clock.ahead, timedelta(seconds=-95))  # calls waiting for a while
    waiting = (("support", "493055571690"), ("support", "493055571691"), ("sales", "493055571692"))
    for queue, caller in waiting:
        app.cti("newCall", f"wait-{uuid4().hex[:6]}", caller, "", queue=queue)
    app.clock.catch_up()
    return {"margaret": margaret, **agents}


def shoot(app: PagesApp, browser: Browser, ids: dict[str, UUID], out: Path) -> None:
    app.user(Role.AGENT, "emma.taylor", ids["emma"])
    app.user(Role.SUPERVISOR, "sam.supervisor")
    app.user(Role.AUDITOR, "ines.auditor")
    views: list[tuple[ViewportSize, str]] = [({"width": 1366, "height": 900}, "agent.png"),
                                             ({"width": 390, "height": 844}, "agent-phone.png")]
    for viewport, name in views:
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{app.base}/agent")
        sign_in(page, "emma.taylor")
        expect(page.locator("#socket-status")).to_have_text("live")
        call = f"ring-{uuid4().hex[:6]}"
        app.cti("newCall", call, "493055571600", "emma")
        expect(page.locator("#card-name")).to_have_text("Margaret H. Hamilton")
        app.cti("answer", call, "493055571600", "emma")
        expect(page.locator("#call-state")).to_have_text("answered by you")
        expect(page.locator("#timeline .entry").first).to_be_visible()
        page.fill("#wrap-up input[name=code]", "billing-question")
        page.fill("#wrap-up textarea[name=notes]", "Refund confirmed, letter follows.")
        page.locator("#wrap-up textarea[name=notes]").blur()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / name), full_page=name == "agent.png")
        app.clock.advance(60)
        app.cti("hangup", call, "493055571600", "emma", cause="normalClearing")
        context.close()

    for login, presence in (("chris", "busy"), ("lukas", "wrap_up"), ("noah", "away")):
        app.put(f"/api/v1/agents/{ids[login]}/presence", {"presence": presence})
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{app.base}/wallboard")
    sign_in(page, "sam.supervisor")
    expect(page.locator("#leaderboard tbody tr")).to_have_count(len(AGENTS))
    expect(page.locator("#calls-waiting")).to_have_text("3")
    expect(page.locator("#breaches li")).to_contain_text(["delivery"])
    page.screenshot(path=str(out / "wallboard.png"))
    context.close()

    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(f"{app.base}/audit?customer={ids['margaret']}")
    sign_in(page, "ines.auditor")
    expect(page.locator('#state dd[data-field="display_name"]')).to_have_text("Margaret H. Hamilton")
    page.click("#verify")
    expect(page.locator("#verify-status")).to_have_attribute("data-ok", "true")
    page.locator("#slider").fill("3")
    expect(page.locator('#state dd[data-field="display_name"]')).to_have_text("Margaret Hamilton")
    page.screenshot(path=str(out / "audit.png"))
    context.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="switchboard-shots-") as scratch:
        stack = LocalStack(cache_dir=settings.cache_dir, data_dir=Path(scratch) / "services",
                           kafka_version=settings.kafka_version,
                           database_url=os.environ.get("DATABASE_URL"),
                           kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
        try:
            endpoints = stack.up()
            with pages_app(endpoints, Path(scratch) / "data") as app, chromium() as browser:
                shoot(app, browser, seed(app), out)
        finally:
            stack.down()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/pages"))
