"""The OpenAPI document describes the errors and the authentication the API really uses."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_errors_are_documented_as_the_problems_the_api_answers(client: TestClient) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    register = document["paths"]["/api/v1/customers"]["post"]
    for code in ("422", "400", "413", "401", "403", "default"):
        schema = register["responses"][code]["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}
    assert register["security"] == [{"bearer": []}]
    webhook = document["paths"]["/api/v1/cti/{token}"]["post"]
    assert "security" not in webhook  # the token is in the path
    assert "application/problem+json" in webhook["responses"]["401"]["content"]

    # What the document promises is what a refused request gets.
    invalid = client.post("/api/v1/customers", json={"display_name": ""})
    problem = document["components"]["schemas"]["Problem"]
    assert invalid.headers["content-type"] == "application/problem+json"
    assert set(problem["required"]) <= set(invalid.json())
    assert {"field", "message"} == set(invalid.json()["errors"][0])
    unsigned = client.post("/api/v1/customers", json={"display_name": "Ada"}, headers={"Authorization": ""})
    assert unsigned.status_code == 401
    assert set(problem["required"]) <= set(unsigned.json())
