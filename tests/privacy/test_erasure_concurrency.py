"""Two workers running the erasure at the same moment, on PostgreSQL: each person's unique
erasure row is the claim, the second worker waits for the first and skips whom it erased."""

import datetime

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from credits.models import Application
from miqua.audit.models import AuditEntry
from miqua.privacy import services
from miqua.privacy.models import Erasure
from tests import factories
from tests.concurrency import at_once

from .cases import at, end_application

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def test_two_workers_erase_each_person_once(postgres, network):
    with scopes_disabled():
        for _ in range(4):
            application = factories.ApplicationFactory(
                quarter=network.own_quarter, advisor=network.advisor
            )
            factories.GuaranteeFactory(application=application)
            end_application(application, Application.Status.REJECTED, at(datetime.date(2025, 1, 6)))
    day = datetime.date(2025, 7, 6)

    outcomes = at_once(*[lambda: services.erasures_run(today=day)] * 2)

    assert [o.error for o in outcomes] == [None, None]
    erased = [(e.kind, e.person_id) for o in outcomes for e in o.value]
    assert len(erased) == len(set(erased)) == 8  # four borrowers, four guarantors, once each
    with scopes_disabled():
        assert Erasure.objects.count() == 8
        assert AuditEntry.objects.filter(action="privacy.erased").count() == 8
