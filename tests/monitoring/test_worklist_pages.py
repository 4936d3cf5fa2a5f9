"""The due-contacts worklist a page at a time: the database orders the disrupted loans and the
monthly ones, and the pages put together are the whole list in its order."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring.contact_selectors import DueContacts, due_contacts

from .. import factories, list_rows
from ..clients import client_for


def _current_loans(network, n: int) -> None:
    """Paid out last week: nothing due yet, so due the monthly contact."""
    for index in range(n):
        factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=list_rows._second_staff(),
            contract_number=f"KV-NEW-{index}",
            disbursed_on=timezone.localdate() - datetime.timedelta(days=7),
        )


def test_the_pages_together_are_the_whole_list_in_order(network):
    today = timezone.localdate()
    with scopes_disabled():
        list_rows.loans(network, 3)
        _current_loans(network, 2)
        whole = [(row.loan.pk, row.weekly) for row in due_contacts(today=today)]
        assert [weekly for _pk, weekly in whole] == [True, True, True, False, False]
        for size in (1, 2, 3, 4, 5):
            due = DueContacts(today=today)
            assert due.count() == 5
            pages = [row for start in range(0, 5, size) for row in due[start : start + size]]
            assert [(row.loan.pk, row.weekly) for row in pages] == whole, size
        assert [r.loan.pk for r in DueContacts(today=today)[3:None]] == [pk for pk, _ in whole[3:]]


def test_the_worklist_is_paged_and_its_forms_come_back_to_the_page(network, monkeypatch):
    with scopes_disabled():
        list_rows.loans(network, 2)
        _current_loans(network, 1)
    monkeypatch.setattr("monitoring.contact_views.WORKLIST_PAGE_SIZE", 2)
    client = client_for(network.advisor)
    first = client.get(reverse("contact_worklist"))
    second = client.get(reverse("contact_worklist"), {"page": "2"})
    assert len(first.context["items"]) == 2 and first.context["page_obj"].paginator.count == 3
    assert [item["due"].weekly for item in second.context["items"]] == [False]
    assert 'rel="next"' in first.content.decode()
    # The quick forms of page 2 bring the user back to page 2.
    assert 'name="back" value="page=2"' in second.content.decode()
