"""The demo applications: a handful in every state of the workflow, each with the steps that
bring it there (made through the services by the advisor and the back office)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from credits.models import Application, Borrower

from .network import HOCHFELD, MARXLOH, OF
from .users import ADVISOR_DU, ADVISOR_OF


@dataclass(frozen=True)
class GuaranteeSpec:
    first_name: str
    last_name: str
    relation: str
    amount: Decimal
    phone: str = ""


@dataclass(frozen=True)
class Step:
    """A transition of `credits.workflow`, made by the advisor if it is an advisor's step,
    else by the back office."""

    name: str
    comment: str = ""
    conditions: str = ""
    outcome: str = ""
    outcome_note: str = ""


@dataclass(frozen=True)
class DemoApplication:
    quarter: str  # slug
    advisor: str  # email
    borrower: dict[str, Any]  # credits.services.BORROWER_FIELDS
    application: dict[str, Any]  # the business, the request and the advisor's assessment
    guarantees: tuple[GuaranteeSpec, ...] = ()
    # The back office's part of the decision template, written before "prepare".
    staff_assessment: str = ""
    recommendation: str = ""
    steps: tuple[Step, ...] = ()


def _g(
    first_name: str, last_name: str, relation: str, amount: str, phone: str = ""
) -> GuaranteeSpec:
    return GuaranteeSpec(first_name, last_name, relation, Decimal(amount), phone)


def _person(
    name: str,
    born: str,
    address: str,
    phone: str,
    languages: str,
    *,
    sgb2: bool,
    bank: str = Borrower.BankRelationship.ACCOUNT,
) -> dict[str, Any]:
    """The borrower's part of the form; address as written on a letter: "street, code city"."""
    first_name, last_name = name.rsplit(" ", 1)
    street, place = address.split(", ")
    postal_code, city = place.split(" ", 1)
    return {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": datetime.date.fromisoformat(born),
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "phone": phone,
        "languages": languages,
        "receives_sgb2": sgb2,
        "bank_relationship": bank,
    }


Stage, Level, Handicap = Application.Stage, Application.Level, Application.Handicap
SUBMIT, PREPARE, PRESENT = Step("submit"), Step("prepare"), Step("present")

# A handful of applications in every state, amounts around the brochure's average of 5,700 EUR,
# two guarantors covering half of each complete one.
DEMO_APPLICATIONS: tuple[DemoApplication, ...] = (
    # A draft: the business and the request are there, the assessment and guarantors are not.
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Fatma Yıldız",
            "1981-06-12",
            "Bieberer Straße 42, 63065 Offenbach am Main",
            "069 8123456",
            "Deutsch, Türkisch",
            sgb2=True,
        ),
        {
            "business_name": "Änderungsschneiderei Yıldız",
            "trade": "Änderungsschneiderei",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2010, 9, 1),
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("4000.00"),
            "purpose": "Industrienähmaschine und Bügelstation, damit sie Aufträge der "
            "Reinigungen in der Innenstadt annehmen kann.",
            "term_months": 24,
        },
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Giorgos Papadopoulos",
            "1968-11-03",
            "Frankfurter Straße 71, 63067 Offenbach am Main",
            "069 8234567",
            "Deutsch, Griechisch",
            sgb2=False,
        ),
        {
            "business_name": "Imbiss Papadopoulos",
            "trade": "Imbiss",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2008, 4, 1),
            "jobs_now": 2,
            "jobs_planned": 3,
            "amount": Decimal("6000.00"),
            "purpose": "Neuer Grill und eine Kühltheke, die das Ordnungsamt verlangt.",
            "term_months": 30,
            "improves_situation": "Ja. Ohne die neue Kühltheke müsste der Imbiss schließen; mit "
            "ihr kann er eine Aushilfe fest anstellen.",
            "can_repay": "Ja. Seit vier Jahren am Standort, Umsatz stabil; rund 550 € freier "
            "Überschuss im Monat bei einer Rate von etwa 230 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("3100.00"),
            "monthly_costs": Decimal("2550.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Ehefrau arbeitet in Teilzeit; die Rate wäre aus "
            "dem Haushaltseinkommen tragbar.",
        },
        guarantees=(
            _g("Eleni", "Papadopoulou", "Schwester", "1500.00", "069 8234999"),
            _g("Kostas", "Dimitriou", "Freund, Gastronom", "1500.00", "069 8201234"),
        ),
        steps=(SUBMIT,),
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Mehmet Öztürk",
            "1979-02-21",
            "Wilhelmsplatz 5, 63065 Offenbach am Main",
            "0176 3456789",
            "Deutsch, Türkisch, Kurdisch",
            sgb2=True,
        ),
        {
            "business_name": "Kiosk am Wilhelmsplatz",
            "trade": "Kiosk",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2011, 3, 1),
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("4800.00"),
            "purpose": "Warenlager aufstocken (Zeitschriften, Tabak, Getränke) und ein "
            "Getränkekühlschrank.",
            "term_months": 24,
            "improves_situation": "Ja. Mit vollem Sortiment kann er vom Jobcenter unabhängig "
            "werden; derzeit stockt er auf.",
            "can_repay": "Ja. Rate rund 218 € bei 650 € freiem Überschuss.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2900.00"),
            "monthly_costs": Decimal("2250.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Der Warenbestand ist jederzeit verkäuflich.",
        },
        guarantees=(
            _g("Hakan", "Öztürk", "Bruder", "1200.00", "0176 3450000"),
            _g("Ahmet", "Yılmaz", "Nachbar, Gemüsehändler am Markt", "1200.00"),
        ),
        staff_assessment="Tragfähiges Konzept; der Standort am Wochenmarkt bringt gute "
        "Laufkundschaft. Persönlicher Eindruck zuverlässig, die Bürgen sind bekannt. Auch bei "
        "Aufgabe des Kiosks ist die Rückzahlung über den Warenbestand gesichert.",
        recommendation="Bewilligung über 4.800 € bei 24 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE),
    ),
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Olena Kovalenko",
            "1985-08-30",
            "Große Marktstraße 19, 63065 Offenbach am Main",
            "0157 4567890",
            "Deutsch, Ukrainisch, Russisch",
            sgb2=False,
        ),
        {
            "business_name": "Übersetzungsbüro Kovalenko",
            "trade": "Übersetzungen und Dolmetschen",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("4500.00"),
            "purpose": "Laptop, Übersetzungssoftware, die Ermächtigung als Dolmetscherin und "
            "die Einrichtung eines kleinen Büros.",
            "term_months": 36,
            "grace_months": 3,
            "improves_situation": "Ja. Sie arbeitet bisher unter Wert in einer Reinigungsfirma; "
            "als ermächtigte Dolmetscherin verdient sie deutlich mehr.",
            "can_repay": "Ja. Erste Aufträge von zwei Kanzleien und dem Jugendamt liegen vor.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2200.00"),
            "monthly_costs": Decimal("1650.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Teilzeitstelle bleibt vorerst bestehen.",
        },
        guarantees=(
            _g("Iryna", "Bondarenko", "Freundin", "1250.00"),
            _g("Thomas", "Krämer", "früherer Arbeitgeber", "1000.00", "069 8009911"),
        ),
        staff_assessment="Gründung mit belegtem Bedarf: Dolmetscher für Ukrainisch und Russisch "
        "fehlen in Offenbach. Drei Monate tilgungsfrei bis zur Ermächtigung.",
        recommendation="Bewilligung über 4.500 €, 36 Monate, davon 3 tilgungsfrei.",
        steps=(SUBMIT, PREPARE, PRESENT),
    ),
    # A repeat borrower: her first loan of 2010 was repaid on time.
    DemoApplication(
        OF,
        ADVISOR_OF,
        _person(
            "Nuray Aksoy",
            "1972-01-17",
            "Mittelseestraße 12, 63065 Offenbach am Main",
            "069 8345678",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Friseursalon Nuray",
            "trade": "Friseursalon",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2006, 5, 1),
            "jobs_now": 2,
            "jobs_planned": 3,
            "amount": Decimal("8000.00"),
            "purpose": "Ein zweiter Bedienplatz, neue Trockenhauben und die Renovierung nach "
            "einem Wasserschaden.",
            "term_months": 36,
            "improves_situation": "Ja. Mit dem zweiten Platz kann sie eine Auszubildende "
            "übernehmen und länger öffnen.",
            "can_repay": "Ja. Der erste Kredit wurde pünktlich zurückgezahlt; freier Überschuss "
            "rund 700 € bei einer Rate von etwa 253 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("4200.00"),
            "monthly_costs": Decimal("3500.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Einrichtung ließe sich verkaufen; der Ehemann hat "
            "ein festes Einkommen.",
        },
        guarantees=(
            _g("Emre", "Aksoy", "Sohn", "2000.00", "0176 9876543"),
            _g("Gül", "Şimşek", "Schwester", "2000.00"),
        ),
        staff_assessment="Zweiter Kredit: der erste über 5.000 € (2010) lief ohne Störung. "
        "Der Salon ist seit Jahren etabliert, die Erweiterung schafft einen Ausbildungsplatz.",
        recommendation="Bewilligung über 8.000 € bei 36 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE, PRESENT, Step("approve", comment="Einstimmig beschlossen.")),
    ),
    # Duisburg-Hochfeld
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Dragan Petrović",
            "1976-05-09",
            "Wanheimer Straße 112, 47053 Duisburg",
            "0203 4567123",
            "Deutsch, Serbisch",
            sgb2=False,
        ),
        {
            "business_name": "Fliesenlegerbetrieb Petrović",
            "trade": "Fliesenleger",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2009, 10, 1),
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("3500.00"),
            "purpose": "Eine Fliesenschneidemaschine und ein gebrauchter Anhänger.",
            "term_months": 24,
            "improves_situation": "Ja. Er kann größere Aufträge annehmen, statt Geräte zu leihen.",
            "can_repay": "Ja. Volle Auftragsbücher bis zum Herbst; Überschuss rund 600 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2800.00"),
            "monthly_costs": Decimal("2200.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Als angestellter Fliesenleger fände er sofort Arbeit.",
        },
        guarantees=(
            _g("Milan", "Petrović", "Onkel", "1000.00", "0203 4567000"),
            _g("Stefan", "Jovanović", "Schwager", "750.00"),
        ),
        steps=(
            SUBMIT,
            Step(
                "withdraw",
                outcome=Application.Outcome.GUARANTOR_LENT,
                outcome_note="Sein Onkel, einer der Bürgen, hat ihm das Geld privat geliehen; "
                "der Kredit wird nicht mehr gebraucht.",
            ),
        ),
    ),
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Sami Haddad",
            "1990-12-02",
            "Heerstraße 35, 47053 Duisburg",
            "0157 2345678",
            "Deutsch, Arabisch, Französisch",
            sgb2=True,
        ),
        {
            "business_name": "Handyreparatur Haddad",
            "trade": "Handyreparatur und Zubehör",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 1,
            "amount": Decimal("7000.00"),
            "purpose": "Ladeneinrichtung, ein Lager an Ersatzteilen und die Mietkaution.",
            "term_months": 36,
            "grace_months": 2,
            "improves_situation": "Unsicher. Er wäre selbständig, aber mit hohen festen Kosten.",
            "can_repay": "Fraglich. Die Umsatzplanung beruht auf Annahmen ohne Belege.",
            "potential": Level.LOW,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("1800.00"),
            "monthly_costs": Decimal("1650.00"),
            "repayable_if_closed": False,
            "repayable_if_closed_note": "Bei Aufgabe des Ladens bliebe nur Arbeitslosengeld II.",
        },
        guarantees=(
            _g("Rami", "Haddad", "Bruder", "2000.00"),
            _g("Nabil", "Khoury", "Freund", "1500.00"),
        ),
        staff_assessment="Drei Handyläden im Umkreis von 300 m; die Umsatzplanung ist nicht "
        "belegt. 150 € freier Überschuss tragen eine Rate von rund 230 € nicht.",
        recommendation="Ablehnung. Empfehlung: Gründungsberatung und Buchführungsseminar, danach "
        "ist ein neuer Antrag mit kleinerem Betrag möglich.",
        steps=(
            SUBMIT,
            PREPARE,
            PRESENT,
            Step(
                "reject",
                comment="Die Rückzahlung ist nicht gesichert. Gründungsberatung empfohlen.",
            ),
        ),
    ),
    DemoApplication(
        HOCHFELD,
        ADVISOR_DU,
        _person(
            "Jürgen Kowalczyk",
            "1964-07-22",
            "Brückenplatz 6, 47053 Duisburg",
            "0203 4561234",
            "Deutsch, Polnisch",
            sgb2=True,
        ),
        {
            "business_name": "Fahrradwerkstatt Kowalczyk",
            "trade": "Fahrradwerkstatt",
            "stage": Stage.STARTUP,
            "amount": Decimal("3500.00"),
            "purpose": "Werkzeug, Montageständer und ein Grundstock an Ersatzteilen.",
            "term_months": 24,
        },
        guarantees=(_g("Renate", "Kowalczyk", "Schwester", "1000.00"),),
    ),
    # Duisburg-Marxloh
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Emine Şahin",
            "1983-04-11",
            "Weseler Straße 88, 47169 Duisburg",
            "0203 5098765",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Brautmoden Şahin",
            "trade": "Brautmoden und Abendkleider",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2007, 9, 1),
            "jobs_now": 3,
            "jobs_planned": 4,
            "amount": Decimal("9000.00"),
            "purpose": "Die Kollektion für die Hochzeitssaison und der Umbau der Umkleiden.",
            "term_months": 36,
            "improves_situation": "Ja. Die Saisonware muss vorfinanziert werden; die Bank "
            "lehnt ab, weil das Geschäft in Marxloh liegt.",
            "can_repay": "Ja. Kundschaft aus ganz NRW und den Niederlanden; Überschuss rund "
            "900 € bei einer Rate von etwa 285 €.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("5200.00"),
            "monthly_costs": Decimal("4300.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Die Ware ließe sich über Händler der Weseler Straße "
            "verkaufen.",
        },
        guarantees=(
            _g("Cem", "Şahin", "Bruder", "2500.00", "0203 5090000"),
            _g("Leyla", "Arslan", "Geschäftsnachbarin, Juwelierin", "2000.00"),
        ),
        steps=(SUBMIT,),
    ),
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Ahmet Çelik",
            "1970-10-05",
            "Kaiser-Wilhelm-Straße 240, 47169 Duisburg",
            "0203 5012345",
            "Deutsch, Türkisch",
            sgb2=False,
        ),
        {
            "business_name": "Lebensmittel Çelik",
            "trade": "Lebensmitteleinzelhandel",
            "stage": Stage.EXISTING,
            "founded_on": datetime.date(2004, 2, 1),
            "jobs_now": 2,
            "jobs_planned": 2,
            "amount": Decimal("6500.00"),
            "purpose": "Neue Kühlregale und ein Kassensystem.",
            "term_months": 36,
            "improves_situation": "Ja. Die alten Kühlregale verbrauchen viel Strom und fallen "
            "immer öfter aus.",
            "can_repay": "Ja. Die Stromersparnis allein trägt ein Drittel der Rate.",
            "potential": Level.HIGH,
            "handicap": Handicap.LITTLE,
            "monthly_income": Decimal("3600.00"),
            "monthly_costs": Decimal("2900.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Der Sohn übernimmt den Laden ohnehin in drei Jahren.",
        },
        guarantees=(
            _g("Murat", "Çelik", "Sohn", "1625.00"),
            _g("Hüseyin", "Doğan", "Freund", "1625.00"),
        ),
        staff_assessment="Seit 2004 etabliertes Geschäft; Investition senkt die Kosten.",
        recommendation="Bewilligung über 6.500 € bei 36 Monaten Laufzeit.",
        steps=(SUBMIT, PREPARE),
    ),
    DemoApplication(
        MARXLOH,
        ADVISOR_DU,
        _person(
            "Krystyna Nowak",
            "1977-03-28",
            "Pollmannstraße 14, 47169 Duisburg",
            "0176 1234567",
            "Deutsch, Polnisch",
            sgb2=True,
        ),
        {
            "business_name": "Reinigungsservice Nowak",
            "trade": "Gebäude- und Haushaltsreinigung",
            "stage": Stage.STARTUP,
            "jobs_now": 1,
            "jobs_planned": 2,
            "amount": Decimal("4500.00"),
            "purpose": "Ein gebrauchter Kleinwagen und Reinigungsgeräte.",
            "term_months": 30,
            "grace_months": 2,
            "improves_situation": "Ja. Sie arbeitet bisher auf Minijobs und stockt auf.",
            "can_repay": "Ja, wenn die zwei zugesagten Aufträge kommen.",
            "potential": Level.HIGH,
            "handicap": Handicap.LARGE,
            "monthly_income": Decimal("2100.00"),
            "monthly_costs": Decimal("1600.00"),
            "repayable_if_closed": True,
            "repayable_if_closed_note": "Das Auto ließe sich verkaufen.",
        },
        guarantees=(
            _g("Piotr", "Nowak", "Bruder", "1250.00"),
            _g("Barbara", "Wójcik", "Freundin", "1000.00"),
        ),
        staff_assessment="Gute Gründungsidee, Nachfrage nach Haushaltsreinigung ist da; die "
        "Aufträge sind aber erst mündlich zugesagt.",
        recommendation="Bewilligung unter der Auflage, die Aufträge schriftlich nachzuweisen.",
        steps=(
            SUBMIT,
            PREPARE,
            PRESENT,
            Step(
                "approve_with_conditions",
                conditions="Auszahlung nach Vorlage der Gewerbeanmeldung und zweier "
                "schriftlicher Reinigungsaufträge.",
            ),
        ),
    ),
)
