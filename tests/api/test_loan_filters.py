"""The loan endpoint filters as the loan list page does: the search and the loans in arrears
today, beside the quarter and the status."""

from django_scopes import scopes_disabled

from tests import factories
from tests.clients import client_for

URL = "/api/v1/loans/"


def _ids(client, query: str) -> set[int]:
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_loans_are_searched_and_filtered_by_arrears(network, second_staff):
    with scopes_disabled():
        late = factories.paid_out_loan(
            quarter=network.own_quarter,
            recorder=network.staff,
            confirmer=second_staff,
            contract_number="KV-API-7",
        )  # paid out in 2025, nothing paid since: in arrears today
        repaid = factories.LoanFactory(borrower__quarter=network.own_quarter)
        late_name = late.borrower.last_name
    staff = client_for(network.staff)
    assert _ids(staff, "?arrears=true") == {late.pk}
    assert _ids(staff, "?arrears=false") == {repaid.pk}
    assert _ids(staff, "") == {late.pk, repaid.pk}
    assert _ids(staff, "?q=KV-API-7") == {late.pk}
    assert late.pk in _ids(staff, f"?q={late_name}")
    assert _ids(staff, "?q=Niemand-So-Genannt") == set()
    # Within the scope, as every filter: the foreign advisor finds neither.
    assert _ids(client_for(network.foreign_advisor), "?q=KV-API-7&arrears=true") == set()
