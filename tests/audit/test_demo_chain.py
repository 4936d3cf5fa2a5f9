"""Every writer of the demo's history (the services, the bank statement import, the monthly
checks, the ballots) goes through the chain: after `seed_demo` the trail verifies whole."""

import pytest
from django_scopes import scopes_disabled

from miqua.audit.models import AuditEntry
from miqua.audit.verify import ChainCheck
from tests.demo_seed import seeded_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker) as out:
        yield out


def test_the_demos_trail_is_one_whole_chain(demo):
    check = ChainCheck(chunk_size=100)
    assert list(check) == []
    with scopes_disabled():
        assert check.checked == AuditEntry._base_manager.count()
        # The repaid loans are chained too (written together by the bank statement import).
        assert AuditEntry._base_manager.filter(action="loan.repaid").exists()
    assert check.checked > 100  # several batches
