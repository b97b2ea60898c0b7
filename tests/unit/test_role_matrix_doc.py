"""docs/users-and-roles.md shows the role matrix the routes declare (`switchboard docs roles`)."""

from __future__ import annotations

from pathlib import Path

from api.app import routes_only
from api.role_matrix import role_matrix, with_matrix

ROLES_MD = Path(__file__).resolve().parents[2] / "docs" / "users-and-roles.md"


def test_committed_role_matrix_is_the_generated_one() -> None:
    page = ROLES_MD.read_text(encoding="utf-8")
    assert with_matrix(page, role_matrix(routes_only())) == page, (
        "the role matrix in docs/users-and-roles.md is stale: run `switchboard docs roles`")


def test_the_matrix_has_a_row_per_route_and_denies_anonymous_callers_by_default() -> None:
    rows = [line for line in role_matrix(routes_only()).splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) > 70
    public = {row.split(" | ")[1] for row in rows if row.endswith("| ✓ |")}
    assert public == {"`/healthz`", "`/readyz`", "`/metrics`", "`/api/v1/auth/login`",
                      "`/api/v1/cti/{token}`", "`/openapi.json`", "`/docs`", "`/docs/oauth2-redirect`",
                      "`/redoc`",
                      # the pages' HTML and scripts: they sign in through the API themselves
                      "`/`", "`/agent`", "`/wallboard`", "`/audit`", "`/static/{path:path}`"}
