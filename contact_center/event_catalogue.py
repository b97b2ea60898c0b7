"""The catalogue of event types, as the Markdown of docs/events.md (``switchboard docs events``).

Fields are read from the event classes' annotations; each example record is made by the
relay's own envelope code from a stored-looking event, so the examples show exactly what
consumers receive, personal fields encrypted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Notification,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from adapters.cloudevents_envelope import CloudEventsEnvelope
from domain.events import SwitchboardAggregate, all_event_classes, event_type_name, personal_fields_of

EventClass = type[SwitchboardAggregate.Event]
EXAMPLE_TIME = datetime(2026, 3, 2, 9, 30, 15, 250000, tzinfo=UTC)
EXAMPLE_CUSTOMER = uuid5(NAMESPACE_URL, "switchboard:example:customer")
EXAMPLE_CIPHERTEXT = "bm9uY2UtYW5kLWNpcGhlcnRleHQtb2YtdGhlLWZpZWxk"
JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
              "UUID": "string (UUID)", "datetime": "string (RFC 3339)", "list[str]": "array of strings",
              "dict[str, str]": "object of strings"}
EXAMPLE_VALUES: dict[str, Any] = {"str": "text", "int": 42, "float": 12.5, "bool": True,
                                  "datetime": EXAMPLE_TIME, "list[str]": ["text"],
                                  "dict[str, str]": {"key": "text"}}
INTRO = """# Event catalogue

Generated from the domain's event classes by `switchboard docs events`
(`contact_center/event_catalogue.py`); a test fails when this file and the code disagree, so
do not edit it by hand.

Every stored event reaches the Kafka topic `<topic prefix>.events` as one CloudEvents 1.0
structured JSON record ([relay.md](relay.md)): `type` is the name below, `id` is
`<aggregate id>:<version>`, `subject` the aggregate id, `time` the event's `occurred_at`, the
Kafka key and the `customerid` extension the customer the event is about (the aggregate id
when there is none), `sequence` the global notification id (zero-padded; compare as a
number), `actor` who caused it. `data` holds the fields listed for the type.

Fields marked **personal** are stored encrypted with the data subject's key and reach Kafka
exactly as stored, as an envelope `{"encrypted": "aes-256-gcm", "subject": "<uuid>", "type":
"text" | "value", "ciphertext": "<base64>"}`; once the subject's key is destroyed they can
never be read again, wherever they were copied. The examples' values (ids, times, texts,
ciphertexts) are placeholders.
"""


def event_fields(event_class: EventClass) -> dict[str, str]:
    """Each field an event's ``data`` holds, with its annotated type, base class first."""
    fields: dict[str, str] = {}
    for klass in reversed(event_class.__mro__):
        if isinstance(klass, type) and issubclass(klass, SwitchboardAggregate.Event):
            for name, annotation in vars(klass).get("__annotations__", {}).items():
                if not str(annotation).startswith("ClassVar"):
                    fields[name] = str(annotation)
    return fields


def aggregate_name(event_class: EventClass) -> str:
    return event_class.__qualname__.rsplit(".", 2)[-2]


def json_type(annotation: str, personal: bool) -> str:
    if personal:
        return "encrypted envelope (object)" + (" or null" if annotation.endswith("| None") else "")
    base, _, optional = annotation.partition(" | ")
    return JSON_TYPES.get(base, base) + (" or null" if optional == "None" else "")


def example_value(name: str, annotation: str) -> Any:
    base = annotation.partition(" | ")[0]
    if base == "UUID":
        return uuid5(NAMESPACE_URL, f"switchboard:example:{name}")
    if base not in EXAMPLE_VALUES:
        raise TypeError(f"no example value for a field of type {annotation}")
    return EXAMPLE_VALUES[base]


def example_record(event_class: EventClass, sequence: int, transcoder: JSONTranscoder) -> dict[str, Any]:
    aggregate = aggregate_name(event_class)
    aggregate_id = uuid5(NAMESPACE_URL, f"switchboard:example:{aggregate}")
    subjects = {"Customer": aggregate_id, "Agent": None, "AccessLog": None}
    customer = subjects.get(aggregate, EXAMPLE_CUSTOMER)
    personal = personal_fields_of(event_class)
    state: dict[str, Any] = {}
    for name, annotation in event_fields(event_class).items():
        if name in personal:
            state[name] = {"encrypted": "aes-256-gcm", "subject": str(customer or aggregate_id),
                           "type": "text" if annotation.startswith("str") else "value",
                           "ciphertext": EXAMPLE_CIPHERTEXT}
        else:
            state[name] = example_value(name, annotation)
    state.update(actor="agent:grace", occurred_at=EXAMPLE_TIME, customer_id=customer,
                 timestamp=EXAMPLE_TIME)
    version = 1 if issubclass(event_class, SwitchboardAggregate.Created) else 3
    notification = Notification(id=sequence, originator_id=aggregate_id, originator_version=version,
                                topic=get_topic(event_class), state=transcoder.encode(state))
    return CloudEventsEnvelope(transcoder).attributes(notification)


def section(event_class: EventClass, sequence: int, transcoder: JSONTranscoder) -> list[str]:
    personal = personal_fields_of(event_class)
    lines = [f"### `{event_type_name(event_class)}`", "",
             f"Aggregate `{aggregate_name(event_class)}`, event `{event_class.__name__}`, "
             f"class version {event_class.class_version}.", "",
             "| field | type | JSON in `data` | personal |", "| --- | --- | --- | --- |"]
    for name, annotation in event_fields(event_class).items():
        cells = [f"`{name}`", f"`{annotation}`", json_type(annotation, name in personal)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " | "
                     f"{'**personal**' if name in personal else ''} |")
    record = json.dumps(example_record(event_class, sequence, transcoder), indent=2, ensure_ascii=False)
    return [*lines, "", "Example record:", "", "```json", record, "```", ""]


def event_catalogue() -> str:
    """docs/events.md, generated."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    classes = all_event_classes()
    lines = [INTRO, "## Types", "", "| type | aggregate | personal fields |", "| --- | --- | --- |"]
    for event_class in classes:
        personal = ", ".join(f"`{name}`" for name in sorted(personal_fields_of(event_class)))
        lines.append(f"| `{event_type_name(event_class)}` | {aggregate_name(event_class)} | {personal} |")
    lines.append("")
    current = ""
    for sequence, event_class in enumerate(classes, start=1):
        if aggregate_name(event_class) != current:
            current = aggregate_name(event_class)
            lines += [f"## {current}", ""]
        lines += section(event_class, sequence, transcoder)
    return "\n".join(lines).rstrip("\n") + "\n"
