"""docs/events.md is the catalogue the code generates (`switchboard docs events` rewrites it)."""

from __future__ import annotations

from pathlib import Path

from contact_center.event_catalogue import event_catalogue, event_fields
from domain.events import all_event_classes, event_type_name

EVENTS_MD = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_committed_catalogue_is_the_generated_one() -> None:
    assert EVENTS_MD.read_text(encoding="utf-8") == event_catalogue(), (
        "docs/events.md is stale: run `switchboard docs events`")


def test_every_event_type_is_listed_with_its_contract_fields() -> None:
    text = event_catalogue()
    for event_class in all_event_classes():
        assert f"### `{event_type_name(event_class)}`" in text
        assert {"actor", "occurred_at", "customer_id"} <= set(event_fields(event_class))
