"""Reading the repayment account's statements: bytes in, a `StatementData` out, or one
`StatementError` whose message names the element or line at fault. Nothing here touches the
database; a file is read whole before anything of it is booked.

Accepted formats:

- ISO 20022 CAMT.053 (bank to customer statement), versions camt.053.001.02 and
  camt.053.001.08, as German banks deliver them (DK format). One or more `Stmt` of the same
  account. Only booked entries count (`Sts` BOOK, in .08 `Sts/Cd`); pending or informational
  ones are skipped and counted. An entry that batches several transfers with their own amounts
  (`TxDtls` with `Amt`) becomes one entry per transfer.
- The CSV export of the online banking of the Volksbanken, Raiffeisenbanken and GLS Bank
  (Atruvia), semicolon separated, in UTF-8 or Windows-1252, dates as 31.01.2026, amounts as
  -1.234,56 (a minus for a debit). Its header line is::

    Bezeichnung Auftragskonto;IBAN Auftragskonto;BIC Auftragskonto;Bankname Auftragskonto;
    Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;
    BIC (SWIFT-Code) Zahlungsbeteiligter;Buchungstext;Verwendungszweck;Betrag;Waehrung;
    Saldo nach Buchung;Bemerkung;Kategorie;Steuerrelevant;Glaeubiger ID;Mandatsreferenz

  (one line). The columns are found by name, in any order; needed are Buchungstag,
  Valutadatum, Name Zahlungsbeteiligter, IBAN Zahlungsbeteiligter, Verwendungszweck, Betrag and
  Waehrung (or Währung); IBAN Auftragskonto is read when present. The Sparkasse's names of the
  same columns (Beguenstigter/Zahlungspflichtiger, Kontonummer/IBAN, Auftragskonto) and
  Auftraggeber/Empfänger, IBAN are accepted too.

The entry key: the bank's own reference for the entry (`AcctSvcrRef`), prefixed with the
account's IBAN; where the bank gives none (always in the CSV), a checksum of what the entry
says (account, dates, amount, direction, counterparty's IBAN, remittance text, bank reference)
and how many identical entries came before it in the file. The same entry in an overlapping
statement thus gets the same key, and the importer books it once.
"""

import csv
import datetime
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

CAMT_02 = "camt.053.001.02"
CAMT_08 = "camt.053.001.08"
CSV = "csv"
NAMESPACES = {
    f"urn:iso:std:iso:20022:tech:xsd:{CAMT_02}": CAMT_02,
    f"urn:iso:std:iso:20022:tech:xsd:{CAMT_08}": CAMT_08,
}
CURRENCY = "EUR"
# What a bank writes where it has no reference of its own.
NO_REFERENCE = {"", "NOTPROVIDED", "NONREF", "NOT PROVIDED"}
# The model's field lengths (credits.models.BankEntry).
NAME_MAX, IBAN_MAX, REMITTANCE_MAX, REFERENCE_MAX = 140, 34, 500, 128

_XML_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
_CSV_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$")
_CSV_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")


def _try_again() -> str:
    return _("Please download the statement from the online banking again and import that file.")


class StatementError(Exception):
    """The file is refused as a whole; the message says where and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EntryData:
    booking_date: datetime.date
    value_date: datetime.date
    amount: Decimal  # always above 0; `is_credit` says the direction
    currency: str
    is_credit: bool
    counterparty_name: str  # for a credit the payer, for a debit the payee
    counterparty_iban: str
    remittance: str
    bank_reference: str
    position: str  # where it stands in the file, for messages: "Ntry 3", "line 7"
    servicer_reference: str = ""
    key: str = ""


@dataclass(frozen=True)
class StatementData:
    file_format: str
    account_iban: str
    statement_id: str
    period_from: datetime.date | None
    period_to: datetime.date | None
    entries: tuple[EntryData, ...]
    pending_count: int = 0  # entries not yet booked by the bank, left out


def statement_parse(content: bytes) -> StatementData:
    """Read a statement in any accepted format (told apart by its content, not its name)."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError(_("The file is empty. %(todo)s") % {"todo": _try_again()})
    if head.startswith(b"<"):
        return camt_parse(content)
    return csv_parse(content)


# --- Keys -------------------------------------------------------------------------------------


def _compact_iban(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()[:IBAN_MAX]


def with_keys(account_iban: str, entries: Iterable[EntryData]) -> tuple[EntryData, ...]:
    """Give each entry its stable key (see the module's docstring)."""
    seen: Counter[str] = Counter()
    keyed = []
    for entry in entries:
        if entry.servicer_reference:
            base = f"{account_iban}:{entry.servicer_reference}"[:118]
        else:
            fingerprint = "\x1f".join(
                [
                    account_iban,
                    entry.booking_date.isoformat(),
                    entry.value_date.isoformat(),
                    str(entry.amount),
                    "C" if entry.is_credit else "D",
                    entry.counterparty_iban,
                    entry.remittance,
                    entry.bank_reference,
                ]
            )
            base = "h:" + hashlib.sha256(fingerprint.encode()).hexdigest()
        seen[base] += 1
        # The n-th identical entry of a file is the n-th of the overlapping file too.
        key = base if entry.servicer_reference and seen[base] == 1 else f"{base}#{seen[base]}"
        keyed.append(replace(entry, key=key))
    return tuple(keyed)


def _period(
    entries: tuple[EntryData, ...], start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date | None, datetime.date | None]:
    days = [e.booking_date for e in entries]
    return (start or (min(days) if days else None), end or (max(days) if days else None))


# --- CAMT.053 ---------------------------------------------------------------------------------


class _Camt:
    """One CAMT document: finds elements in its namespace and words its errors."""

    def __init__(self, namespace: str) -> None:
        self.prefix = f"{{{namespace}}}"

    def findall(self, element: Element, path: str) -> list[Element]:
        """The elements at `path` ("NtryDtls/TxDtls") below `element`, in document order.
        Walked by hand: ElementPath with a namespace map took half the time of a large file."""
        current = [element]
        for step in path.split("/"):
            tag = self.prefix + step
            current = [child for parent in current for child in parent if child.tag == tag]
        return current

    def find(self, element: Element, path: str) -> Element | None:
        found = self.findall(element, path)
        return found[0] if found else None

    def text(self, element: Element | None, *paths: str) -> str:
        """The first of the paths that has text, stripped; "" if none."""
        if element is None:
            return ""
        for path in paths:
            found = self.find(element, path)
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return ""

    def date(self, element: Element, path: str, where: str, *, required: bool) -> datetime.date:
        """`path` holds `Dt` (a date) or `DtTm` (a moment; its day counts)."""
        value = self.text(element, f"{path}/Dt", f"{path}/DtTm")
        if not value:
            if required:
                raise StatementError(
                    _("%(where)s / %(path)s: the date is missing. %(todo)s")
                    % {"where": where, "path": path, "todo": _try_again()}
                )
            return None  # type: ignore[return-value]
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            raise StatementError(
                _('%(where)s / %(path)s: "%(value)s" is not a date. %(todo)s')
                % {"where": where, "path": path, "value": value[:40], "todo": _try_again()}
            ) from None

    def amount(self, element: Element | None, where: str) -> tuple[Decimal, str]:
        if element is None or not (element.text or "").strip():
            raise StatementError(
                _("%(where)s: the amount is missing. %(todo)s")
                % {"where": where, "todo": _try_again()}
            )
        value = element.text.strip()
        if not _XML_AMOUNT.match(value) or Decimal(value) <= 0:
            raise StatementError(
                _(
                    '%(where)s: "%(value)s" is not an amount above 0 with at most two decimals. '
                    "%(todo)s"
                )
                % {"where": where, "value": value[:40], "todo": _try_again()}
            )
        currency = (element.get("Ccy") or "").strip()
        if currency != CURRENCY:
            raise StatementError(
                _(
                    '%(where)s: the currency is "%(currency)s". MIQUA books repayments in euros '
                    "only: please import the statement of the euro repayment account."
                )
                % {"where": where, "currency": currency or "?"}
            )
        return Decimal(value), currency


def _remittance(camt: _Camt, details: Element | None) -> str:
    if details is None:
        return ""
    parts = [
        (line.text or "").strip() for line in camt.findall(details, "RmtInf/Ustrd") if line.text
    ]
    for structured in camt.findall(details, "RmtInf/Strd"):
        reference = camt.text(structured, "CdtrRefInf/Ref")
        if reference:
            parts.append(reference)
        parts.extend(
            (line.text or "").strip()
            for line in camt.findall(structured, "AddtlRmtInf")
            if line.text
        )
    return " ".join(p for p in parts if p)[:REMITTANCE_MAX]


def _counterparty(camt: _Camt, details: Element | None, is_credit: bool) -> tuple[str, str]:
    if details is None:
        return "", ""
    role = "Dbtr" if is_credit else "Cdtr"
    # .02 names the party directly, .08 inside Pty; either is read in both versions.
    name = camt.text(details, f"RltdPties/{role}/Pty/Nm", f"RltdPties/{role}/Nm")
    iban = camt.text(details, f"RltdPties/{role}Acct/Id/IBAN")
    return name[:NAME_MAX], _compact_iban(iban)


def _reference(value: str) -> str:
    return "" if value.upper() in NO_REFERENCE else value


def _camt_entries(
    camt: _Camt, entry: Element, where: str, is_credit: bool
) -> list[tuple[Decimal, str, str, str, str, str]]:
    """(amount, name, iban, remittance, bank reference, servicer reference) per transfer."""
    total, _currency = camt.amount(camt.find(entry, "Amt"), f"{where} / Amt")
    entry_ref = _reference(camt.text(entry, "AcctSvcrRef"))
    details = camt.findall(entry, "NtryDtls/TxDtls")
    amounts = []
    for n, tx in enumerate(details, start=1):
        amount_element = camt.find(tx, "Amt")
        if amount_element is None:
            amount_element = camt.find(tx, "AmtDtls/TxAmt/Amt")
        if amount_element is not None:
            amount, _ccy = camt.amount(amount_element, f"{where} / TxDtls {n} / Amt")
            amounts.append(amount)
    rows = []
    if len(details) > 1 and len(amounts) == len(details):
        if sum(amounts) != total:
            raise StatementError(
                _(
                    "%(where)s: the transfers in it add up to %(sum)s, the entry says %(total)s. "
                    "%(todo)s"
                )
                % {"where": where, "sum": sum(amounts), "total": total, "todo": _try_again()}
            )
        for n, (tx, amount) in enumerate(zip(details, amounts, strict=True), start=1):
            tx_ref = _reference(camt.text(tx, "Refs/AcctSvcrRef"))
            servicer = tx_ref or (f"{entry_ref}/{n}" if entry_ref else "")
            name, iban = _counterparty(camt, tx, is_credit)
            bank_ref = tx_ref or _reference(camt.text(tx, "Refs/EndToEndId")) or entry_ref
            rows.append(
                (amount, name, iban, _remittance(camt, tx), bank_ref[:REFERENCE_MAX], servicer)
            )
        return rows
    tx = details[0] if details else None
    name, iban = _counterparty(camt, tx, is_credit)
    remittance = " ".join(_remittance(camt, t) for t in details).strip()[:REMITTANCE_MAX]
    bank_ref = entry_ref or (
        _reference(camt.text(tx, "Refs/AcctSvcrRef", "Refs/EndToEndId")) if tx is not None else ""
    )
    if not remittance:
        remittance = camt.text(entry, "AddtlNtryInf")[:REMITTANCE_MAX]
    return [(total, name, iban, remittance, bank_ref[:REFERENCE_MAX], entry_ref)]


def camt_parse(content: bytes) -> StatementData:
    try:
        root = ElementTree.fromstring(content)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise StatementError(
            _(
                "The file is not complete XML (line %(line)s, column %(column)s): it may have "
                "been cut off while downloading. %(todo)s"
            )
            % {"line": line, "column": column, "todo": _try_again()}
        ) from None
    except DefusedXmlException:
        raise StatementError(
            _("The file contains XML constructs a bank statement never has; it is refused.")
        ) from None
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    file_format = NAMESPACES.get(namespace)
    if file_format is None:
        raise StatementError(
            _(
                'The XML file is of the kind "%(kind)s". MIQUA reads bank statements CAMT.053 in '
                "the versions camt.053.001.02 and camt.053.001.08, and the bank's CSV export."
            )
            % {"kind": namespace.rsplit(":", 1)[-1] or root.tag[:60]}
        )
    camt = _Camt(namespace)
    statements = camt.findall(root, "BkToCstmrStmt/Stmt")
    if not statements:
        raise StatementError(
            _("BkToCstmrStmt: the file holds no statement (Stmt). %(todo)s")
            % {"todo": _try_again()}
        )
    accounts = {_compact_iban(camt.text(s, "Acct/Id/IBAN")) for s in statements}
    if len(accounts) > 1:
        raise StatementError(
            _(
                "The file holds statements of several accounts (%(accounts)s): please import the "
                "repayment account's statement on its own."
            )
            % {"accounts": ", ".join(sorted(a or "?" for a in accounts))}
        )
    account = accounts.pop()
    entries: list[EntryData] = []
    pending = 0
    ids, starts, ends = [], [], []
    for s_number, statement in enumerate(statements, start=1):
        ids.append(camt.text(statement, "Id"))
        prefix = f"Stmt {s_number} / " if len(statements) > 1 else ""
        start = camt.text(statement, "FrToDt/FrDtTm")
        end = camt.text(statement, "FrToDt/ToDtTm")
        for value, bucket in ((start, starts), (end, ends)):
            try:
                if value:
                    bucket.append(datetime.date.fromisoformat(value[:10]))
            except ValueError:
                raise StatementError(
                    _('%(where)sFrToDt: "%(value)s" is not a date. %(todo)s')
                    % {"where": prefix, "value": value[:40], "todo": _try_again()}
                ) from None
        for n, entry in enumerate(camt.findall(statement, "Ntry"), start=1):
            where = f"{prefix}Ntry {n}"
            status = camt.text(entry, "Sts/Cd", "Sts/Prtry", "Sts")
            if not status:
                raise StatementError(
                    _("%(where)s / Sts: the entry's status is missing. %(todo)s")
                    % {"where": where, "todo": _try_again()}
                )
            if status != "BOOK":
                pending += 1
                continue
            indicator = camt.text(entry, "CdtDbtInd")
            if indicator not in ("CRDT", "DBIT"):
                raise StatementError(
                    _('%(where)s / CdtDbtInd: "%(value)s" is neither CRDT nor DBIT. %(todo)s')
                    % {"where": where, "value": indicator[:20], "todo": _try_again()}
                )
            is_credit = indicator == "CRDT"
            booking = camt.date(entry, "BookgDt", where, required=True)
            value_date = camt.date(entry, "ValDt", where, required=False) or booking
            for amount, name, iban, remittance, bank_ref, servicer in _camt_entries(
                camt, entry, where, is_credit
            ):
                entries.append(
                    EntryData(
                        booking_date=booking,
                        value_date=value_date,
                        amount=amount,
                        currency=CURRENCY,
                        is_credit=is_credit,
                        counterparty_name=name,
                        counterparty_iban=iban,
                        remittance=remittance,
                        bank_reference=bank_ref,
                        position=where,
                        servicer_reference=servicer,
                    )
                )
    keyed = with_keys(account, entries)
    period_from, period_to = _period(
        keyed, min(starts) if starts else None, max(ends) if ends else None
    )
    return StatementData(
        file_format=file_format,
        account_iban=account,
        statement_id=", ".join(i for i in ids if i)[:35],
        period_from=period_from,
        period_to=period_to,
        entries=keyed,
        pending_count=pending,
    )


# --- CSV --------------------------------------------------------------------------------------

# Column -> the header names that mean it (compared lower-case, umlauts written out).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "booking_date": ("buchungstag",),
    "value_date": ("valutadatum", "valuta"),
    "name": (
        "name zahlungsbeteiligter",
        "beguenstigter/zahlungspflichtiger",
        "auftraggeber/empfaenger",
    ),
    "iban": ("iban zahlungsbeteiligter", "kontonummer/iban", "iban"),
    "remittance": ("verwendungszweck",),
    "amount": ("betrag",),
    "currency": ("waehrung",),
}
CSV_OPTIONAL: dict[str, tuple[str, ...]] = {
    "account": ("iban auftragskonto", "auftragskonto"),
}
CSV_REQUIRED_HEADER = (
    "Buchungstag;Valutadatum;Name Zahlungsbeteiligter;IBAN Zahlungsbeteiligter;"
    "Verwendungszweck;Betrag;Waehrung"
)


def _header_name(value: str) -> str:
    value = value.strip().strip('"').strip().lower()
    for umlaut, written in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        value = value.replace(umlaut, written)
    return value


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # The online banking's older exports are in Windows-1252 (a superset of Latin-1).
        return content.decode("cp1252", errors="replace")


def _csv_date(value: str, line: int, column: str) -> datetime.date:
    match = _CSV_DATE.match(value.strip())
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            pass
    raise StatementError(
        _('Line %(line)s, column %(column)s: "%(value)s" is not a date like 31.01.2026. %(todo)s')
        % {"line": line, "column": column, "value": value[:40], "todo": _try_again()}
    )


def _csv_amount(value: str, line: int) -> Decimal:
    text = value.strip().replace(" ", "")
    if _CSV_AMOUNT.match(text):
        amount = Decimal(text.replace(".", "").replace(",", "."))
        if amount != 0:
            return amount
    raise StatementError(
        _(
            'Line %(line)s, column Betrag: "%(value)s" is not an amount like 1.234,56 or '
            "-12,50. %(todo)s"
        )
        % {"line": line, "value": value[:40], "todo": _try_again()}
    )


def csv_parse(content: bytes) -> StatementData:
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        # With the line each row ends on (a quoted cell may span lines), for the messages.
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise StatementError(
            _("Line %(line)s cannot be read as CSV (%(error)s). %(todo)s")
            % {"line": reader.line_num, "error": error, "todo": _try_again()}
        ) from None
    rows = [row for _line, row in numbered]
    # Some exports put a few lines about the account above the table: the header is the first
    # line that names the booking day.
    header_index = next(
        (i for i, row in enumerate(rows[:30]) if "buchungstag" in map(_header_name, row)), None
    )
    if header_index is None:
        raise StatementError(
            _(
                "The file is neither a CAMT.053 statement nor the bank's CSV export: no line "
                "names the columns. The CSV needs at least these columns: %(columns)s."
            )
            % {"columns": CSV_REQUIRED_HEADER}
        )
    names = [_header_name(h) for h in rows[header_index]]
    columns: dict[str, int] = {}
    for key, aliases in {**CSV_COLUMNS, **CSV_OPTIONAL}.items():
        found = next((names.index(a) for a in aliases if a in names), None)
        if found is not None:
            columns[key] = found
    missing = [aliases[0] for key, aliases in CSV_COLUMNS.items() if key not in columns]
    if missing:
        raise StatementError(
            _(
                "Line %(line)s: the columns %(missing)s are missing. The CSV needs at least these "
                "columns: %(columns)s."
            )
            % {
                "line": header_index + 1,
                "missing": ", ".join(missing),
                "columns": CSV_REQUIRED_HEADER,
            }
        )
    entries: list[EntryData] = []
    accounts: set[str] = set()
    for reader_line, row in numbered[header_index + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise StatementError(
                _(
                    "Line %(line)s has %(found)s columns, the header %(expected)s: the file may "
                    "have been cut off. %(todo)s"
                )
                % {
                    "line": reader_line,
                    "found": len(row),
                    "expected": len(names),
                    "todo": _try_again(),
                }
            )

        def cell(key: str, row: list[str] = row) -> str:
            return row[columns[key]].strip() if key in columns else ""

        currency = cell("currency").upper()
        if currency != CURRENCY:
            raise StatementError(
                _(
                    'Line %(line)s, column Waehrung: the currency is "%(currency)s". MIQUA books '
                    "repayments in euros only: please export the euro repayment account."
                )
                % {"line": reader_line, "currency": currency[:10] or "?"}
            )
        amount = _csv_amount(cell("amount"), reader_line)
        booking = _csv_date(cell("booking_date"), reader_line, "Buchungstag")
        value_date = (
            _csv_date(cell("value_date"), reader_line, "Valutadatum")
            if cell("value_date")
            else booking
        )
        if cell("account"):
            accounts.add(_compact_iban(cell("account")))
        entries.append(
            EntryData(
                booking_date=booking,
                value_date=value_date,
                amount=abs(amount),
                currency=CURRENCY,
                is_credit=amount > 0,
                counterparty_name=cell("name")[:NAME_MAX],
                counterparty_iban=_compact_iban(cell("iban")),
                remittance=" ".join(cell("remittance").split())[:REMITTANCE_MAX],
                bank_reference="",
                position=f"line {reader_line}",
            )
        )
    if len(accounts) > 1:
        raise StatementError(
            _(
                "The file holds entries of several accounts (%(accounts)s): please export the "
                "repayment account on its own."
            )
            % {"accounts": ", ".join(sorted(accounts))}
        )
    account = accounts.pop() if accounts else ""
    keyed = with_keys(account, entries)
    period_from, period_to = _period(keyed, None, None)
    return StatementData(
        file_format=CSV,
        account_iban=account,
        statement_id="",
        period_from=period_from,
        period_to=period_to,
        entries=keyed,
    )
