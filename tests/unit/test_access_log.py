"""The access log records who read what of one subject; the history's diff names the fields
an event changed."""

from __future__ import annotations

from uuid import uuid4

import pytest

from contact_center.state_diff import FieldChange, changed_fields, state_fields
from domain.access_log import AccessLog
from domain.consent import ConsentChannel, ConsentPurpose
from domain.errors import InvalidValue
from tests.unit.tours import at, tour_customer


def test_a_log_records_each_view_with_its_subject_and_no_data_subject() -> None:
    subject = uuid4()
    log = AccessLog.open(id=uuid4(), subject_id=subject, actor="auditor:ines", occurred_at=at(0))
    log.record_view(viewer="auditor:ines", what="customer", query={"version": "3"},
                    actor="auditor:ines", occurred_at=at(1))
    opened, viewed = log.collect_events()
    assert isinstance(opened, AccessLog.Opened)
    assert isinstance(viewed, AccessLog.RecordViewed)
    assert (viewed.viewer, viewed.what, viewed.subject_id, viewed.query) == (
        "auditor:ines", "customer", subject, {"version": "3"})
    assert opened.customer_id is None
    assert viewed.customer_id is None
    assert log.views == 1


def test_a_view_needs_a_viewer() -> None:
    log = AccessLog.open(id=uuid4(), subject_id=None, actor="cli", occurred_at=at(0))
    with pytest.raises(InvalidValue, match="viewer"):
        log.record_view(viewer=" ", what="export", query={}, actor="cli", occurred_at=at(1))


def test_state_fields_open_value_objects_and_keyed_dicts() -> None:
    _, person, _ = tour_customer()
    fields = state_fields(person)
    assert fields["details.display_name"] == "Ada L."
    assert fields["details.address.city"] == "Berlin"
    assert fields["details.birth_date"] == "1990-12-10"
    assert fields["consents.email/marketing_email.granted"] is False
    assert fields["status"] == "active"
    assert not {"id", "version", "created_on", "modified_on", "pending_events"} & set(fields)
    assert state_fields(None) == {}


def test_changed_fields_names_only_what_moved() -> None:
    _, person, _ = tour_customer()
    before = state_fields(person)
    person.grant_consent(ConsentChannel.SMS, ConsentPurpose.MARKETING_SMS, source="call",
                         actor="a1", occurred_at=at(99))
    changes = changed_fields(before, state_fields(person))
    assert changes == {
        "consents.sms/marketing_sms.granted": FieldChange(None, True),
        "consents.sms/marketing_sms.recorded_at": FieldChange(None, at(99).isoformat()),
        "consents.sms/marketing_sms.source": FieldChange(None, "call"),
    }
    assert changed_fields({"a": None}, {}) == {}  # a missing field reads as None
