"""Reading statements: what each format yields, the stable entry keys, and refusals that name
the element or line."""

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import override

from credits.banking.parsers import StatementError, statement_parse

from .test_bank_import import fixture


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, the language of the source."""
    with override("en"):
        yield


D = Decimal
NS08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _camt(entries: str, *, ns: str = NS08, account: str = "DE12430609671234567800") -> bytes:
    return (
        f'<?xml version="1.0"?><Document xmlns="{ns}"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId>'
        f"</GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>{account}</IBAN></Id></Acct>{entries}"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def _ntry(amount: str = "10.00", *, details: str = "", ref: str = "R1", ccy: str = "EUR") -> str:
    return (
        f'<Ntry><Amt Ccy="{ccy}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd>'
        "</Sts><BookgDt><Dt>2025-04-01</Dt></BookgDt><ValDt><Dt>2025-03-31</Dt></ValDt>"
        f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def _tx(amount: str, name: str, text: str) -> str:
    return (
        f'<TxDtls><Amt Ccy="EUR">{amount}</Amt><RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty>'
        f"</Dbtr></RltdPties><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"
    )


def test_camt_02_yields_the_booked_entries_with_their_parties():
    data = statement_parse(fixture("camt053_001_02.xml"))
    assert (data.file_format, data.statement_id) == ("camt.053.001.02", "0352C5320250304000001")
    assert data.pending_count == 1
    first, *_rest, debit = data.entries
    assert first.amount == D("150.00") and first.is_credit
    assert first.counterparty_name == "Ayse Yilmaz"
    assert first.counterparty_iban == "DE02500105170137075030"
    assert first.bank_reference == "2025030400012345"  # EndToEndId NOTPROVIDED is no reference
    assert first.key == "DE12430609671234567800:2025030400012345"
    assert not debit.is_credit and debit.counterparty_name == "GLS Gemeinschaftsbank eG"
    assert data.entries[2].remittance.startswith("Mikrokredit MQ-000042 Rate 2")


def test_a_batch_entry_becomes_one_entry_per_transfer():
    details = _tx("6.00", "Ana", "KV-1") + _tx("4.00", "Ben", "KV-2")
    data = statement_parse(_camt(_ntry("10.00", details=details)))
    assert [(e.amount, e.counterparty_name, e.remittance) for e in data.entries] == [
        (D("6.00"), "Ana", "KV-1"),
        (D("4.00"), "Ben", "KV-2"),
    ]
    assert len({e.key for e in data.entries}) == 2
    assert data.entries[0].value_date == datetime.date(2025, 3, 31)


def test_a_batch_whose_transfers_do_not_add_up_is_refused():
    details = _tx("6.00", "Ana", "KV-1") + _tx("5.00", "Ben", "KV-2")
    with pytest.raises(StatementError, match=r"Ntry 1: the transfers in it add up to 11\.00"):
        statement_parse(_camt(_ntry("10.00", details=details)))


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        ("-5.00", "Ntry 1 / Amt"),
        ("5.001", "Ntry 1 / Amt"),
        ("0.00", "Ntry 1 / Amt"),
        ("", "missing"),
    ],
)
def test_an_amount_that_is_not_positive_with_two_decimals_is_refused(amount, says):
    with pytest.raises(StatementError, match=says):
        statement_parse(_camt(_ntry(amount)))


def test_another_message_type_is_refused_by_name():
    content = _camt(_ntry(), ns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08")
    with pytest.raises(StatementError, match=r'kind "camt\.052\.001\.08"'):
        statement_parse(content)


def test_xml_with_entities_is_refused():
    content = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    with pytest.raises(StatementError):
        statement_parse(content)


def test_the_bank_key_repeated_in_a_file_still_gives_distinct_keys():
    data = statement_parse(_camt(_ntry(ref="SAME") + _ntry("11.00", ref="SAME")))
    assert [e.key for e in data.entries] == [
        "DE12430609671234567800:SAME",
        "DE12430609671234567800:SAME#2",
    ]


def test_csv_in_windows_1252_reads_umlauts_and_signs():
    data = statement_parse(fixture("bank_overlap.csv"))
    assert data.file_format == "csv"
    assert data.account_iban == "DE12430609671234567800"
    assert [(e.amount, e.is_credit) for e in data.entries] == [
        (D("7.50"), False),
        (D("1234.56"), True),
        (D("500.00"), True),
    ]
    assert (data.period_from, data.period_to) == (
        datetime.date(2025, 5, 5),
        datetime.date(2025, 5, 6),
    )


def test_csv_keys_are_the_same_in_an_overlapping_export():
    first = {e.remittance: e.key for e in statement_parse(fixture("bank.csv")).entries}
    second = {e.remittance: e.key for e in statement_parse(fixture("bank_overlap.csv")).entries}
    assert first["Entgelte 04/2025"] == second["Entgelte 04/2025"]
    assert first["Nebenkostenerstattung 2024"] == second["Nebenkostenerstattung 2024"]
    assert len(set(first.values()) | set(second.values())) == 5


def test_csv_without_the_needed_columns_names_them():
    content = b"Buchungstag;Betrag\n01.04.2025;5,00\n"
    with pytest.raises(StatementError, match="Line 1: the columns valutadatum"):
        statement_parse(content)


def test_csv_in_another_currency_is_refused_naming_the_line():
    lines = fixture("bank.csv").decode().splitlines()
    lines[3] = lines[3].replace(";EUR;", ";USD;")
    with pytest.raises(StatementError, match='Line 4, column Waehrung: the currency is "USD"'):
        statement_parse("\n".join(lines).encode())


def test_an_empty_file_is_refused():
    with pytest.raises(StatementError, match="empty"):
        statement_parse(b"  \n")
