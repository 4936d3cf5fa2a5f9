"""What the OpenAPI document says about the answers that are not a success, so that a client
(and schemathesis' status-code check) knows them: 401 without credentials, 403 for a role
without the right, 404 for an object out of sight (or a page beyond the last), 400 for an
input or a filter value the endpoint refuses, with the messages by field, and 429 for too many
requests (the rate limit, miqua/api/throttling.py)."""

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A serializer's or a service's messages, by field (nested for a nested input).
FIELD_ERRORS = {"type": "object", "additionalProperties": True}


def _response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _too_many_requests() -> dict[str, Any]:
    return {
        **_response("Too many requests: wait the Retry-After seconds.", DETAIL),
        "headers": {
            "Retry-After": {
                "description": "Seconds until the next request is accepted.",
                "schema": {"type": "integer"},
            }
        },
    }


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's postprocessing hook: the error answers of every operation."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _response("Not signed in.", DETAIL))
            responses.setdefault("403", _response("The role may not do this.", DETAIL))
            responses.setdefault("404", _response("Not found (or not in your quarters).", DETAIL))
            responses.setdefault("429", _too_many_requests())
            if operation.get("parameters") or "requestBody" in operation:
                responses.setdefault("400", _response("Refused input.", FIELD_ERRORS))
    return result
