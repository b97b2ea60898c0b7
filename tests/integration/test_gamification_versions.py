"""A new rules version builds beside the live board and is served once caught up; a rules file
changed without a version bump is refused; point history past retention is pruned."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from typer.testing import CliRunner

from adapters.services.stack import Endpoints
from contact_center.cli import app
from contact_center.settings import Settings
from projections.gamification_queries import Pruned
from tests.conftest import TEST_MASTER_KEY
from tests.integration.gamification_requests import (
    Desk,
    dump,
    gamification,
    points_by_name,
    rebuild_from_scratch,
)
from tests.integration.read_model_requests import ManualClock, catch_up, clocked_pipeline, run_to_end

MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
SECOND_VERSION = """
version = 2
[[rules]]
id = "call_completed"
event = "call_ended"
points = 100

[[rules]]
id = "first_contact_resolution"
event = "case_resolved"
points = 1
when = { first_contact_resolution = true }
"""


def test_a_new_rules_version_is_built_beside_the_live_board(
        pipeline_settings: Settings, services: Endpoints, tmp_path: Path) -> None:
    clock = ManualClock(MONDAY)
    with clocked_pipeline(pipeline_settings, services, clock) as (client, container):
        desk = Desk(client, container, clock)
        ada = desk.agent("Ada", consent=True)
        desk.call(ada, wait=5, talk=40)
        desk.case(ada, minutes=5, fcr=True)
        desk.settle()
        assert points_by_name(desk.board()) == {"Ada": 27}

    (tmp_path / "rules.toml").write_text(SECOND_VERSION)
    edited = pipeline_settings.model_copy(update={"gamification_rules": tmp_path / "rules.toml",
                                                  "projections_in_process": False})
    with clocked_pipeline(edited, services, clock) as (client, container):
        desk = Desk(client, container, clock)
        container.leaderboards.versions.recheck_seconds = 0
        second = gamification(container)
        assert second.full_name == "gamification_r2_v1"
        runner = container.projections.open_runner(second)  # its tables, nothing applied yet
        try:
            old = desk.board()
            assert (old["rules_version"], old["caught_up"], points_by_name(old)) == (1, True, {"Ada": 27})
            catch_up(runner)  # its own consumer group, from offset 0
        finally:
            runner.close()
        new = desk.board()
        assert (new["rules_version"], new["caught_up"], points_by_name(new)) == (2, True, {"Ada": 101})
        assert [p["rule_id"] for p in desk.explain(ada)["points"]] == ["call_completed",
                                                                     "first_contact_resolution"]

        container.projections.reset("gamification")  # in place: the older, current board answers
        assert desk.board()["rules_version"] == 1
        run_to_end(container.projections, second)
        assert points_by_name(desk.board()) == {"Ada": 101}

        (tmp_path / "rules.toml").write_text(SECOND_VERSION.replace("points = 100", "points = 50"))
        unbumped = edited.model_copy(update={"gamification_rules": tmp_path / "rules.toml"})
        with (clocked_pipeline(unbumped, services, clock) as (_, other),
              pytest.raises(psycopg.Error, match="built with other rules")):
            other.projections.open_runner(gamification(other))


def test_point_history_past_retention_is_pruned(pipeline_settings: Settings, services: Endpoints) -> None:
    clock = ManualClock(MONDAY)
    with clocked_pipeline(pipeline_settings, services, clock) as (client, container):
        desk = Desk(client, container, clock)
        ada = desk.agent("Ada", consent=True)
        old_call = desk.call(ada, wait=5, talk=40)
        desk.settle()  # projected while it is recent
        clock.moment = datetime(2024, 6, 12, 8, 0, tzinfo=UTC)  # 100 days later
        desk.call(ada, wait=5, talk=40)
        desk.settle()
        march = "2024-03-04T12:00:00+01:00"
        assert desk.explain(ada, "month", at=march)["total"] == 7

        [dry] = container.leaderboards.prune(dry_run=True)
        assert (dry.version, dry.before, dry.pruned) == ("gamification_r1_v1", date(2024, 3, 14),
                                                         Pruned(points=2, days=1, streak_days=0))
        assert desk.explain(ada, "month", at=march)["total"] == 7
        assert container.leaderboards.prune()[0].pruned == Pruned(points=2, days=1, streak_days=0)
        assert desk.explain(ada, "month", at=march)["points"] == []
        assert points_by_name(desk.board("month", at=march)) == {"Ada": 0}
        assert desk.explain(ada, "month")["total"] == 7
        assert container.leaderboards.prune()[0].pruned == Pruned(0, 0, 0)
        assert container.interactions.get(UUID(old_call)).talk_seconds == 40  # the events stay

        # A replay does not write expired points again; the day totals it needs for streaks
        # are pruned like the live ones.
        projection = gamification(container)
        points = f"{projection.full_name}_points"
        pruned = dump(container, projection)
        rebuild_from_scratch(container, projection)
        assert dump(container, projection)[points] == pruned[points]
        container.leaderboards.prune()
        assert dump(container, projection) == pruned


def test_gamification_commands(settings_for_test: Settings, services: Endpoints,
                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"DATABASE_URL": services.database_url,
                        "KAFKA_BOOTSTRAP_SERVERS": services.kafka_bootstrap_servers,
                        "SWITCHBOARD_DB_SCHEMA": settings_for_test.db_schema,
                        "SWITCHBOARD_TOPIC_PREFIX": settings_for_test.topic_prefix,
                        "SWITCHBOARD_DATA_DIR": str(settings_for_test.data_dir),
                        "SWITCHBOARD_MASTER_KEY": TEST_MASTER_KEY}.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert "gamification_r1_v1" not in runner.invoke(app, ["gamification", "status"]).output
    rebuilt = runner.invoke(app, ["projections", "rebuild", "gamification"])
    assert rebuilt.exit_code == 0, rebuilt.output
    status = runner.invoke(app, ["gamification", "status"])
    assert status.exit_code == 0
    assert "gamification_r1_v1" in status.output
    pruned = runner.invoke(app, ["gamification", "prune", "--dry-run"])
    assert pruned.exit_code == 0
    assert "dry run: nothing was deleted" in pruned.output

    monkeypatch.setenv("SWITCHBOARD_GAMIFICATION_RULES", str(Path("no/such/rules.toml")))
    refused = runner.invoke(app, ["gamification", "status"])
    assert refused.exit_code == 1
    assert "no/such/rules.toml" in refused.output
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 2\n[[rules]]\nid = "x"\nevent = "call_ended"\npoints = "ten"\n')
    monkeypatch.setenv("SWITCHBOARD_GAMIFICATION_RULES", str(bad))
    invalid = runner.invoke(app, ["gamification", "status"])
    assert invalid.exit_code == 1
    reason = "bad.toml:5: rules[0].points: expected a whole number, got 'ten'"
    assert reason in "".join(invalid.output.split("\n"))
