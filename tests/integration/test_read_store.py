"""Read-side transactions: several reads in one `reading()` see one committed state; reads of a
read model no worker has built yet answer 503."""

from __future__ import annotations

from uuid import uuid4

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.read_store import ReadStore
from adapters.services.stack import Endpoints


def test_reads_in_one_transaction_see_one_snapshot(services: Endpoints, pg_schema: str) -> None:
    with psycopg.connect(services.database_url, autocommit=True) as writer:
        table = sql.Identifier(pg_schema, "numbers")
        writer.execute(sql.SQL("CREATE TABLE {} (n int)").format(table))
        writer.execute(sql.SQL("INSERT INTO {} VALUES (1)").format(table))
        store = ReadStore(services.database_url, pg_schema)
        try:
            with store.reading() as tx:
                before = tx.fetchall("SELECT count(*) FROM numbers")
                writer.execute(sql.SQL("INSERT INTO {} VALUES (2)").format(table))  # commits now
                after = tx.fetchall("SELECT count(*) FROM numbers")
            assert before == after == [(1,)]
            with store.glancing() as tx:  # a lone statement sees the latest commit
                assert tx.fetchall("SELECT count(*) FROM numbers") == [(2,)]
        finally:
            store.close()


def test_reads_before_any_worker_built_the_read_models_answer_503(client: TestClient) -> None:
    """No projection worker has run in this schema: each read model's tables are missing.
    Every read says so (503, retry), never an internal error."""
    customer = uuid4()
    for path, params in ((f"/api/v1/customers/{customer}/timeline", {}),
                         (f"/api/v1/customers/{customer}/card", {}),
                         ("/api/v1/lookup", {"phone": "+493055571600"}),
                         ("/api/v1/cases", {})):
        response = client.get(path, params=params)
        assert response.status_code == 503, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["Retry-After"] == "1"
        problem = response.json()
        assert problem["title"] == "Read model not built yet"
        assert "projections run" in problem["detail"]
