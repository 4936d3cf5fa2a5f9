"""The demo's loans as a plan: who borrowed what, when, and how they paid.

The history reproduces the figures of the brochure (DOMAIN.md): about 150 microcredits paid
out between February 2009 and October 2012 in the nine quarters, 500 to 15,000 EUR and about
5,700 EUR on average, repeat loans to people who repaid their first, three defaults, about
40 % of the loans late at some time, and on 15 September 2012 about 12 % of the running loans
with a due instalment unpaid, from 0 % in some quarters to a third in Duisburg-Hochfeld.

Everything here is computed from a fixed seed and the loans' own schedules
(`credits.schedule`), so the plan is the same on every run. It only says what happened;
`miqua.demo.loan_builders` makes it happen through the services, and the figures are measured
from the ledger that results (tests/demo/test_loan_history.py), not from this plan.

The present-day portfolio (`present_loans`) is anchored on today: its loans were paid out
in the last two and a half years and are paid up to today, so the demo always has loans
running now, a few of them in arrears.
"""

import datetime
import functools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from schwifty import IBAN

from credits.loan_services import first_instalment_month
from credits.schedule import Method, due_date, repayment_schedule
from miqua.money import ZERO

from .network import HOCHFELD, MARXLOH, OF

RATE = Decimal("8.56")
INSTALMENT_DAY = 30
HISTORY_FIRST_DAY = datetime.date(2009, 2, 1)
HISTORY_LAST_DAY = datetime.date(2012, 10, 31)
# The national fund's monthly check: on the 15th, is a due instalment unpaid?
CHECK_DAY = datetime.date(2012, 9, 15)
# A payment this many days after its due date is late (a standing order runs a day or two late
# at a weekend; that is not a disruption).
LATE_AFTER_DAYS = 10
FIRST_LOAN_MAX = Decimal("10000.00")
SECOND_LOAN_MAX = Decimal("15000.00")


@dataclass(frozen=True)
class QuarterPlan:
    slug: str
    # The month the fund's first capital came in: its first loan follows.
    opens: datetime.date
    loans: int
    # Of the loans running on CHECK_DAY, the share with an unpaid due instalment.
    disrupted_share: float
    # The Sparkasse most of its borrowers bank with (for their IBANs).
    bank_code: str
    postal_code: str
    city: str
    streets: tuple[str, ...]


QUARTER_PLANS: tuple[QuarterPlan, ...] = (
    QuarterPlan(
        OF,
        datetime.date(2009, 2, 1),
        24,
        0.08,
        "50550020",
        "63065",
        "Offenbach am Main",
        ("Frankfurter Straße", "Mittelseestraße", "Bieberer Straße", "Marktplatz"),
    ),
    QuarterPlan(
        HOCHFELD,
        datetime.date(2009, 5, 1),
        19,
        1 / 3,
        "35050000",
        "47053",
        "Duisburg",
        ("Wanheimer Straße", "Brückenstraße", "Hochfelder Markt"),
    ),
    QuarterPlan(
        MARXLOH,
        datetime.date(2009, 9, 1),
        17,
        0.20,
        "35050000",
        "47169",
        "Duisburg",
        ("Weseler Straße", "Kaiser-Wilhelm-Straße", "Warbruckstraße"),
    ),
    QuarterPlan(
        "gelsenkirchen-sued-ost",
        datetime.date(2009, 6, 1),
        16,
        0.12,
        "42050001",
        "45886",
        "Gelsenkirchen",
        ("Bochumer Straße", "Wiehagen", "Ückendorfer Straße"),
    ),
    QuarterPlan(
        "leipzig-eisenbahnstrasse",
        datetime.date(2009, 4, 1),
        18,
        0.10,
        "86055592",
        "04315",
        "Leipzig",
        ("Eisenbahnstraße", "Hermann-Liebmann-Straße", "Konradstraße"),
    ),
    QuarterPlan(
        "leipzig-gruenau",
        datetime.date(2009, 10, 1),
        14,
        0.12,
        "86055592",
        "04209",
        "Leipzig",
        ("Stuttgarter Allee", "Ratzelstraße", "Lützner Straße"),
    ),
    QuarterPlan(
        "kiel-gaarden",
        datetime.date(2009, 7, 1),
        16,
        0.0,
        "21050170",
        "24143",
        "Kiel",
        ("Elisabethstraße", "Kaiserstraße", "Vinetaplatz"),
    ),
    QuarterPlan(
        "nuernberg-suedstadt",
        datetime.date(2009, 9, 15),
        15,
        0.08,
        "76050101",
        "90459",
        "Nürnberg",
        ("Wölckernstraße", "Pillenreuther Straße", "Gugelstraße"),
    ),
    QuarterPlan(
        "pforzheim-weststadt",
        datetime.date(2009, 12, 1),
        13,
        0.0,
        "66650085",
        "75172",
        "Pforzheim",
        ("Westliche Karl-Friedrich-Straße", "Calwer Straße", "Zähringerallee"),
    ),
)
QUARTERS = {q.slug: q for q in QUARTER_PLANS}

# The people of the quarters: about half of the local economy is run by migrants.
FIRST_NAMES = (
    "Ahmet", "Ayşe", "Mehmet", "Fatma", "Hüseyin", "Emine", "Mustafa", "Zeynep", "Murat",
    "Elif", "Can", "Derya", "Olga", "Sergej", "Natalia", "Dmitri", "Irina", "Piotr", "Agnieszka",
    "Tomasz", "Katarzyna", "Ioana", "Mihai", "Elena", "Dragan", "Jelena", "Milan", "Ana",
    "Giuseppe", "Maria", "Giorgos", "Eleni", "Thi Lan", "Van Hung", "Minh", "Karim", "Samira",
    "Youssef", "Leila", "Kwame", "Abena", "Hans", "Petra", "Jürgen", "Sabine", "Uwe", "Birgit",
    "Andreas", "Claudia", "Thomas", "Heike", "Frank", "Kerstin", "Stefan", "Anja", "Ralf",
    "Silke", "Marco", "Nadine", "Dennis", "Sandra",
)  # fmt: skip
LAST_NAMES = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan",
    "Doğan", "Kılıç", "Koç", "Kurt", "Özdemir", "Ivanova", "Petrow", "Smirnow", "Kowalski",
    "Nowak", "Wiśniewska", "Lewandowski", "Popescu", "Ionescu", "Jovanović", "Petrović",
    "Nikolić", "Russo", "Esposito", "Papadopoulos", "Nguyen", "Tran", "Pham", "El-Amrani",
    "Haddad", "Mansour", "Owusu", "Mensah", "Müller", "Schmidt", "Schneider", "Fischer",
    "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange",
)  # fmt: skip
TRADES = (
    ("Änderungsschneiderei", "startup"), ("Friseursalon", "existing"), ("Imbiss", "startup"),
    ("Kiosk", "existing"), ("Obst- und Gemüsehandel", "existing"), ("Reinigungsservice",
    "startup"), ("Kosmetikstudio", "startup"), ("Handyreparatur", "startup"),
    ("Catering", "startup"), ("Fahrradwerkstatt", "existing"), ("Übersetzungsbüro", "startup"),
    ("Malerbetrieb", "existing"), ("Umzugsservice", "existing"), ("Café", "startup"),
    ("Nähstudio", "startup"), ("Lebensmittelhandel", "existing"), ("Fotostudio", "startup"),
    ("Hausmeisterdienst", "existing"), ("Bäckerei", "existing"), ("Schuhreparatur", "existing"),
)  # fmt: skip
GUARANTOR_RELATIONS = ("Bruder", "Schwester", "Freund", "Freundin", "Nachbar", "Cousin", "Onkel")

# What a first loan is asked for (EUR): small sums are the rule, Jobcenter clients stay at
# 5,000 or below; the weights give an average near the brochure's 5,700 with the repeat loans.
FIRST_AMOUNTS = (
    (500, 1), (1000, 2), (1500, 2), (2000, 7), (2500, 3), (3000, 9), (3500, 3), (4000, 9),
    (4500, 4), (5000, 14), (6000, 8), (7000, 7), (8000, 8), (9000, 4), (10000, 9),
)  # fmt: skip


@dataclass(frozen=True)
class Behaviour:
    """How a borrower paid: by standing order `early_days` before the due date, except the
    instalments in `skipped` (paid later, with double instalments until caught up); after
    instalment `stops_after` nothing more (a default, declared on `default_on`)."""

    early_days: int = 0
    skipped: frozenset[int] = frozenset()
    stops_after: int | None = None
    default_on: datetime.date | None = None


@dataclass(frozen=True)
class Person:
    quarter: str
    first_name: str
    last_name: str
    born: datetime.date
    street: str
    postal_code: str
    city: str
    phone: str
    iban: str


@dataclass(frozen=True)
class PlannedLoan:
    person: Person
    business_name: str
    trade: str
    stage: str
    amount: Decimal
    term_months: int
    grace_months: int
    disbursed_on: datetime.date
    behaviour: Behaviour = field(default_factory=Behaviour)
    cycle: int = 1
    contract_number: str = ""
    # Two guarantors (first name, last name, relation) who together guarantee half.
    guarantors: tuple[tuple[str, str, str], ...] = ()
    # The back office proposes a new schedule (a loan of today in arrears).
    reschedule: bool = False

    @property
    def quarter(self) -> str:
        return self.person.quarter

    @functools.cached_property
    def instalments(self) -> list[tuple[datetime.date, Decimal]]:
        """Due date and amount of each instalment, as `loan_record` will write them."""
        first = first_instalment_month(self.disbursed_on)
        return [
            (row.due_on, row.payment)
            for row in repayment_schedule(
                amount=self.amount,
                annual_rate_percent=RATE,
                term_months=self.term_months,
                grace_months=self.grace_months,
                method=Method.ANNUITY,
                first_month=first,
                instalment_day=INSTALMENT_DAY,
            )
        ]

    def payments(
        self, *, until: datetime.date | None = None
    ) -> list[tuple[datetime.date, Decimal]]:
        """Value date and amount of each payment, up to `until` (the present-day portfolio is
        paid up to today). An instalment is paid when due, or, when skipped, later: from the
        next month on the borrower pays double until caught up (the advisor's arrangement)."""
        rows = self.instalments
        regular = max(amount for _due, amount in rows)
        first = first_instalment_month(self.disbursed_on)
        total = sum((amount for _due, amount in rows), ZERO)
        paid = ZERO
        due = ZERO
        payments: list[tuple[datetime.date, Decimal]] = []
        index = 0
        while paid < total:
            number = index + 1
            day = due_date(first_month=first, index=index, day=INSTALMENT_DAY)
            if until is not None and day > until:
                break
            if index < len(rows):
                due += rows[index][1]
            index += 1
            stops = self.behaviour.stops_after
            if stops is not None and number > stops:
                if index >= len(rows):
                    break
                continue
            if number in self.behaviour.skipped:
                continue
            owed = due - paid
            if owed <= 0:
                continue
            current = rows[index - 1][1] if index <= len(rows) else ZERO
            behind = owed > current
            amount = min(owed, 2 * regular) if behind else owed
            value_date = day if behind else day - datetime.timedelta(days=self.behaviour.early_days)
            payments.append((value_date, amount))
            paid += amount
        return payments

    def paid_off_on(self) -> datetime.date | None:
        """The day of the last payment, if the loan is paid in full by its plan."""
        payments = self.payments()
        total = sum((amount for _due, amount in self.instalments), ZERO)
        if sum((amount for _day, amount in payments), ZERO) < total:
            return None
        return payments[-1][0]

    def running_on(self, day: datetime.date) -> bool:
        if self.disbursed_on > day:
            return False
        if self.behaviour.default_on is not None:
            return self.behaviour.default_on > day
        paid_off = self.paid_off_on()
        return paid_off is None or paid_off > day

    def in_arrears_on(self, day: datetime.date) -> bool:
        """A due instalment unpaid on `day` (what `credits.loan_selectors.arrears_at` sees)."""
        if not self.running_on(day):
            return False
        due = sum((amount for d, amount in self.instalments if d <= day), ZERO)
        paid = sum((amount for d, amount in self.payments() if d <= day), ZERO)
        return paid < due


def _source(seed: int) -> random.Random:
    """Random numbers from a fixed seed: the same demo on every run (nothing secret here)."""
    return random.Random(seed)  # noqa: S311


def _month(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _term_for(amount: Decimal, rng: random.Random) -> int:
    if amount <= 2000:
        return rng.choice((12, 12, 18, 24))
    if amount <= 5000:
        return rng.choice((18, 24, 24, 30, 36))
    return rng.choice((24, 30, 36, 36))


class _People:
    """Distinct names, birthdays and accounts, drawn from one random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = {("Nuray", "Aksoy")}
        self.accounts = 0

    def person(self, quarter: QuarterPlan, *, born_after: int = 1950) -> Person:
        rng = self.rng
        while True:
            name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if name not in self.used:
                break
        self.used.add(name)
        self.accounts += 1
        born = datetime.date(rng.randint(born_after, 1990), rng.randint(1, 12), rng.randint(1, 28))
        return Person(
            quarter=quarter.slug,
            first_name=name[0],
            last_name=name[1],
            born=born,
            street=f"{rng.choice(quarter.streets)} {rng.randint(1, 140)}",
            postal_code=quarter.postal_code,
            city=quarter.city,
            phone=f"0{rng.randint(150, 179)} {rng.randint(1000000, 9999999)}",
            iban=account_iban(quarter.bank_code, self.accounts),
        )

    def guarantors(self, person: Person) -> tuple[tuple[str, str, str], ...]:
        """A relative and a friend or neighbour."""
        rng = self.rng
        family, others = GUARANTOR_RELATIONS[:2], GUARANTOR_RELATIONS[2:]
        relative = (rng.choice(FIRST_NAMES), person.last_name, rng.choice(family))
        friend = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(others))
        return (relative, friend)


def account_iban(bank_code: str, number: int) -> str:
    """A valid German IBAN (check digits right) for a made-up account of the demo."""
    return str(IBAN.generate("DE", bank_code=bank_code, account_code=f"{7100000000 + number}"))


def _first_loan(
    people: _People, quarter: QuarterPlan, day: datetime.date, rng: random.Random
) -> PlannedLoan:
    amounts, weights = zip(*FIRST_AMOUNTS, strict=True)
    amount = Decimal(rng.choices(amounts, weights)[0]).quantize(Decimal("0.01"))
    trade, stage = rng.choice(TRADES)
    person = people.person(quarter)
    grace = rng.choice((1, 2, 3)) if stage == "startup" and amount >= 3000 else 0
    return PlannedLoan(
        person=person,
        business_name=f"{trade} {person.last_name}",
        trade=trade,
        stage=stage,
        amount=amount,
        term_months=_term_for(amount, rng),
        grace_months=grace,
        disbursed_on=day,
        behaviour=Behaviour(early_days=rng.choice((0, 0, 1, 2, 3))),
        guarantors=people.guarantors(person),
    )


# Nuray Aksoy's first loan: she applies for a second one (applications.py).
NURAY = PlannedLoan(
    person=Person(
        quarter=OF,
        first_name="Nuray",
        last_name="Aksoy",
        born=datetime.date(1972, 1, 17),
        street="Mittelseestraße 12",
        postal_code="63065",
        city="Offenbach am Main",
        phone="069 8345678",
        iban=account_iban("50550020", 0),
    ),
    business_name="Friseursalon Nuray",
    trade="Friseursalon",
    stage="existing",
    amount=Decimal("5000.00"),
    term_months=24,
    grace_months=0,
    disbursed_on=datetime.date(2010, 4, 30),
    behaviour=Behaviour(early_days=1),
    guarantors=(("Emre", "Aksoy", "Sohn"), ("Gül", "Şimşek", "Schwester")),
)

# The three defaults: their payments stop in spring 2012; the back office declares the
# default after months of trying (all three still show in the check of 15 September 2012).
DEFAULT_QUARTERS = (HOCHFELD, MARXLOH, "gelsenkirchen-sued-ost")
DEFAULT_DAYS = (
    datetime.date(2012, 9, 28),
    datetime.date(2012, 10, 15),
    datetime.date(2012, 10, 31),
)
LAST_PAID_BEFORE_DEFAULT = (
    datetime.date(2012, 3, 31),
    datetime.date(2012, 4, 30),
    datetime.date(2012, 5, 31),
)


def _with(loan: PlannedLoan, **behaviour: object) -> PlannedLoan:
    """The loan with another way of paying (the same standing order day)."""
    return _replace(
        loan,
        behaviour=Behaviour(early_days=loan.behaviour.early_days, **behaviour),  # type: ignore[arg-type]
    )


def _replace(loan: PlannedLoan, **changes: object) -> PlannedLoan:
    return PlannedLoan(**{f: getattr(loan, f) for f in PlannedLoan.__dataclass_fields__} | changes)


def _numbered(loans: list[PlannedLoan], prefix: str = "KV") -> list[PlannedLoan]:
    """The bank's contract numbers, KV-2009-0001 ..., in the order of payout per year."""
    ordered = sorted(
        loans, key=lambda x: (x.disbursed_on, x.quarter, x.person.last_name, x.person.first_name)
    )
    numbered = []
    per_year: dict[int, int] = {}
    for loan in ordered:
        year = loan.disbursed_on.year
        per_year[year] = per_year.get(year, 0) + 1
        numbered.append(_replace(loan, contract_number=f"{prefix}-{year}-{per_year[year]:04d}"))
    return numbered


@functools.cache
def history() -> tuple[PlannedLoan, ...]:
    """The loans of February 2009 to October 2012, in the order they were paid out."""
    rng = _source(20090202)
    # Names and addresses from a source of their own: the loans do not change with them.
    people = _People(_source(1309))
    loans: list[PlannedLoan] = []
    span_end = HISTORY_LAST_DAY
    for quarter in QUARTER_PLANS:
        own: list[PlannedLoan] = [NURAY] if quarter.slug == OF else []
        first_count = quarter.loans - round(quarter.loans * 0.1) - len(own)
        span = (span_end - quarter.opens).days
        days = sorted(
            quarter.opens + datetime.timedelta(days=rng.randrange(20, span))
            for _ in range(first_count)
        )
        if quarter.slug == OF:
            # The network's first loan: Offenbach, February 2009.
            days[0] = datetime.date(2009, 2, 27)
        own.extend(_first_loan(people, quarter, day, rng) for day in days)
        # Repeat loans: people who repaid their first loan on time borrow again, more.
        candidates = [
            loan
            for loan in own
            if loan is not NURAY
            and (paid_off := loan.paid_off_on()) is not None
            and paid_off < datetime.date(2012, 8, 1)
        ]
        repeaters = sorted(
            rng.sample(candidates, min(len(candidates), quarter.loans - len(own))),
            key=lambda x: x.disbursed_on,
        )
        for first in repeaters:
            paid_off = first.paid_off_on()
            assert paid_off is not None
            day = _month(paid_off, rng.randint(1, 3)) + datetime.timedelta(days=rng.randint(0, 27))
            amount = min(first.amount * Decimal(rng.choice(("1.5", "2", "2.5"))), SECOND_LOAN_MAX)
            own.append(
                PlannedLoan(
                    person=first.person,
                    business_name=first.business_name,
                    trade=first.trade,
                    stage="existing",
                    amount=amount.quantize(Decimal("0.01")),
                    term_months=_term_for(amount, rng),
                    grace_months=0,
                    disbursed_on=min(day, HISTORY_LAST_DAY),
                    behaviour=Behaviour(early_days=first.behaviour.early_days),
                    cycle=2,
                    guarantors=first.guarantors,
                )
            )
        # Fill up with first loans where too few could borrow again.
        while len(own) < quarter.loans:
            day = quarter.opens + datetime.timedelta(days=rng.randrange(20, span))
            own.append(_first_loan(people, quarter, day, rng))
        loans.extend(_disrupt(quarter, own, rng))
    loans = _late_at_times(loans, rng)
    return tuple(_numbered(loans))


def _disrupt(
    quarter: QuarterPlan, loans: list[PlannedLoan], rng: random.Random
) -> list[PlannedLoan]:
    """The quarter's loans with the disruptions of September 2012: of those running on
    CHECK_DAY, the quarter's share has the instalment of August (or July and August) unpaid
    on the 15th; in three quarters one of them is a default."""
    running = [x for x in loans if x.running_on(CHECK_DAY)]
    can_fall_behind = [
        x for x in running if x.instalments[0][0] <= datetime.date(2012, 8, 31) and x is not NURAY
    ]
    count = min(round(quarter.disrupted_share * len(running)), len(can_fall_behind))
    defaults: dict[int, PlannedLoan] = {}
    if quarter.slug in DEFAULT_QUARTERS:
        which = DEFAULT_QUARTERS.index(quarter.slug)
        # One paid out in the second half of 2011: it had paid for a while, but more than
        # half of it was still owed, more than the guarantors stand for.
        paying_for_a_while = [
            x
            for x in can_fall_behind
            if datetime.date(2011, 6, 1) <= x.disbursed_on < datetime.date(2011, 12, 1)
        ]
        loan = rng.choice(paying_for_a_while)
        last_paid = max(
            n
            for n, (due, _amount) in enumerate(loan.instalments, start=1)
            if due <= LAST_PAID_BEFORE_DEFAULT[which]
        )
        defaults[id(loan)] = _with(loan, stops_after=last_paid, default_on=DEFAULT_DAYS[which])
    others = [x for x in can_fall_behind if id(x) not in defaults]
    chosen = {id(x) for x in rng.sample(others, max(count - len(defaults), 0))}
    result = []
    for loan in loans:
        if id(loan) in defaults:
            result.append(defaults[id(loan)])
            continue
        if id(loan) not in chosen:
            result.append(loan)
            continue
        numbers = {
            n
            for n, (due, _amount) in enumerate(loan.instalments, start=1)
            if datetime.date(2012, 7, 1) <= due <= datetime.date(2012, 8, 31)
        }
        if rng.random() < 0.5:
            numbers = {max(numbers)}
        result.append(_with(loan, skipped=frozenset(numbers)))
    return result


def _late_at_times(loans: list[PlannedLoan], rng: random.Random) -> list[PlannedLoan]:
    """About 40 % of all loans are late at some time: besides those of September 2012, some
    miss one to three instalments at another time and catch up, none of them in arrears on
    CHECK_DAY (the check of that day is the quarter's share, planned above)."""
    late = {id(x) for x in loans if x.behaviour.skipped or x.behaviour.stops_after is not None}
    wanted = round(0.40 * len(loans)) - len(late)
    # Repeat borrowers paid their first loan on time: that is why they could borrow again.
    second = {x.person for x in loans if x.cycle == 2}
    candidates = [
        n
        for n, x in enumerate(loans)
        if id(x) not in late and x is not NURAY and not (x.cycle == 1 and x.person in second)
    ]
    rng.shuffle(candidates)
    result = list(loans)
    for n in candidates:
        if wanted <= 0:
            break
        loan = loans[n]
        for _attempt in range(10):
            months = rng.choice((1, 1, 2, 2, 3))
            start = rng.randint(2, max(2, loan.term_months - months))
            changed = _with(loan, skipped=frozenset(range(start, start + months)))
            if changed.running_on(CHECK_DAY) == loan.running_on(CHECK_DAY) and not (
                changed.in_arrears_on(CHECK_DAY)
            ):
                result[n] = changed
                wanted -= 1
                break
    return result


# The present-day portfolio: (quarter, months before this one it was paid out, the number of
# the latest instalments still unpaid today). A handful are in arrears now.
PRESENT: tuple[tuple[str, int, int], ...] = (
    (OF, 29, 0), (OF, 22, 0), (OF, 14, 2), (OF, 9, 0), (OF, 3, 0),
    (HOCHFELD, 27, 0), (HOCHFELD, 18, 1), (HOCHFELD, 11, 0), (HOCHFELD, 5, 0),
    (MARXLOH, 25, 0), (MARXLOH, 16, 0), (MARXLOH, 7, 3), (MARXLOH, 2, 0),
    ("gelsenkirchen-sued-ost", 24, 0), ("gelsenkirchen-sued-ost", 12, 0),
    ("gelsenkirchen-sued-ost", 4, 0),
    ("leipzig-eisenbahnstrasse", 28, 0), ("leipzig-eisenbahnstrasse", 15, 0),
    ("leipzig-eisenbahnstrasse", 6, 1),
    ("leipzig-gruenau", 20, 0), ("leipzig-gruenau", 8, 0),
    ("kiel-gaarden", 26, 0), ("kiel-gaarden", 13, 0), ("kiel-gaarden", 1, 0),
    ("nuernberg-suedstadt", 21, 0), ("nuernberg-suedstadt", 10, 0),
    ("nuernberg-suedstadt", 3, 0),
    ("pforzheim-weststadt", 23, 0), ("pforzheim-weststadt", 17, 0),
    ("pforzheim-weststadt", 6, 0),
)  # fmt: skip


def present_loans(today: datetime.date) -> tuple[PlannedLoan, ...]:
    """About thirty loans running today, paid out in the last two and a half years and paid up
    to today; a few with their latest instalments unpaid, two of them late once and caught
    up. Two are third loans of people of the history, one of them the largest a person can
    get (20,000 EUR)."""
    rng = _source(20240101)
    people = _People(_source(2412))
    people.used |= {(x.person.first_name, x.person.last_name) for x in history()}
    people.accounts = 5000
    returning = [x for x in history() if x.cycle == 2 and x.paid_off_on() is not None][:2]
    third_amounts = [Decimal("20000.00"), Decimal("12000.00")]
    loans = []
    for n, (slug, months_ago, unpaid) in enumerate(PRESENT):
        quarter = QUARTERS[slug]
        day = _month(today, -months_ago) + datetime.timedelta(days=rng.randint(4, 24))
        loan = _first_loan(people, quarter, day, rng)
        if loan.term_months < months_ago + 6:
            # Still running today.
            loan = _replace(loan, term_months=min(36, months_ago + 9))
        back = next((x for x in returning if x.quarter == slug), None)
        if back is not None and n % 2 == 1:
            returning.remove(back)
            loan = PlannedLoan(
                person=back.person,
                business_name=back.business_name,
                trade=back.trade,
                stage="existing",
                amount=third_amounts.pop(0),
                term_months=36,
                grace_months=0,
                disbursed_on=day,
                behaviour=back.behaviour,
                cycle=3,
                guarantors=back.guarantors,
            )
        due = [n for n, (d, _amount) in enumerate(loan.instalments, start=1) if d <= today]
        if unpaid and due:
            loan = _with(loan, skipped=frozenset(due[-unpaid:]))
            if unpaid >= 3:
                loan = _replace(loan, reschedule=True)
        elif n % 7 == 3 and len(due) > 6:
            loan = _with(loan, skipped=frozenset({due[2]}))
        loans.append(loan)
    return tuple(_numbered(loans))
