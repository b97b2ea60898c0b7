"""`retention run` shreds expired message bodies and recordings, idempotently, dry run first."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from fastapi.testclient import TestClient

from adapters.clock import SystemClock
from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import bootstrap
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import signed_in


class LaterClock:
    def __init__(self, days: int) -> None:
        self.offset = timedelta(days=days)

    def now(self) -> datetime:
        return SystemClock().now() + self.offset


def test_retention_shreds_only_expired_classes(settings_for_test: Settings, services: Endpoints) -> None:
    container = bootstrap(settings_for_test, services)
    with TestClient(create_app(container)) as client:
        client.headers.update(signed_in(container, Role.ADMIN))
        mail = client.post("/api/v1/interactions", json={
            "channel": "email", "direction": "inbound", "from_address": "kim@example.org",
            "subject": "Refund", "body": "Please refund order 4711"}).json()["id"]
    container.close()

    soon = bootstrap(settings_for_test, services, clock=LaterClock(30))
    try:
        assert [r.due for r in soon.retention.run(dry_run=False)] == [0, 0]
    finally:
        soon.close()

    later = bootstrap(settings_for_test, services, clock=LaterClock(800))
    try:
        dry = {r.retention_class: r for r in later.retention.run(dry_run=True)}
        assert (dry["message_body"].due, dry["message_body"].shredded) == (1, 0)
        assert later.interactions.get(mail_id(mail)).body == "Please refund order 4711"

        done = {r.retention_class: r for r in later.retention.run(dry_run=False)}
        assert done["message_body"].shredded == 1
        assert [r.shredded for r in later.retention.run(dry_run=False)] == [0, 0]  # idempotent
        interaction = later.interactions.get(mail_id(mail))
        assert interaction.body == "[erased]"
        assert interaction.subject == "Refund"  # other fields keep their own retention
        assert interaction.from_address == "kim@example.org"
    finally:
        later.close()


def mail_id(raw: str) -> UUID:
    return UUID(raw)
