"""The API tried against its own OpenAPI document (schemathesis) as each role, on the data of
`world` (one object of every kind in the own and the foreign quarter): no answer is a server
error, and every answer the document describes has the shape it describes.

Each operation gets MIQUA_SCHEMATHESIS_EXAMPLES generated requests (default 10, kept small so
that the suite stays quick); an operation on one object also gets its own object's id, so the
answers are not all 404. Standalone with more examples:

    MIQUA_SCHEMATHESIS_EXAMPLES=100 ./dev test tests/api/test_schemathesis.py
"""

import json
import os
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("MIQUA_SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
]
ROLES = ("staff", "advisor", "committee_member", "municipality_viewer", "administrator")


def _schema() -> schemathesis.schemas.BaseSchema:
    """The document /api/schema/ serves, built without a request, as JSON."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(document))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    return schema


def _own_id(path: str, world) -> int | None:
    """The own object of the collection in `path` ("/api/v1/bank-entries/{id}/")."""
    collection = path.split("/")[3]
    endpoint = {"bank-entries": "bank-entry", "municipalities": "municipality"}.get(
        collection, collection.removesuffix("s")
    )
    return world.own.get(endpoint)


@pytest.fixture
def connection_kept():
    """The requests go through Django's WSGI handler, which closes the database connection
    after each request: that would end the test's transaction (PostgreSQL). Django's own test
    client keeps it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_to_its_schema_as_each_role(role, world, check, connection_kept):
    user = world.network.users_by_role()[role]
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    failures: list[str] = []
    started, operations = time.monotonic(), 0
    for result in _schema().get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()
        own = _own_id(operation.path, world) if "{id}" in operation.path else None
        if own is not None:
            strategy = st.one_of(strategy, operation.as_strategy(path_parameters={"id": own}))

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        operations += 1
        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every operation's, not the first's
            failures.append(f"{operation.label}: {error}")
    print(f"{role}: {operations} operations x {EXAMPLES} examples in "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip
    assert not failures, "\n\n".join(failures)
