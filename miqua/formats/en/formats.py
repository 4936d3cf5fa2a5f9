"""English for people in Germany: English words, but dates day-first and times on the 24-hour
clock, as on every letter, contract and bank statement they see.

Django's "en" formats are American (02/15/1980, "6 p.m.") and read "02/03/1980" as 3 February.
Short dates here are written with dots, as in German: a dotted date is read day-first
everywhere, while a slashed one is read month-first by American readers, and the decision
template and minutes (German documents) show the same date the same way. Typed dates are read
day-first with dots, or as ISO dates (the date picker sends those); slashed dates are refused
rather than guessed, as ambiguous amounts are. Numbers stay English (5,000.00).
"""

DATE_FORMAT = "j F Y"  # 15 February 1980
TIME_FORMAT = "H:i"  # 18:00
DATETIME_FORMAT = "j F Y, H:i"  # 15 February 1980, 18:00
YEAR_MONTH_FORMAT = "F Y"  # February 1980
MONTH_DAY_FORMAT = "j F"  # 15 February
SHORT_DATE_FORMAT = "d.m.Y"  # 15.02.1980
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 15.02.1980 18:00
FIRST_DAY_OF_WEEK = 1  # Monday

# Django adds the ISO formats (1980-02-15) to every list.
DATE_INPUT_FORMATS = [
    "%d.%m.%Y",  # 15.02.1980
    "%d.%m.%y",  # 15.02.80
    "%d %B %Y",  # 15 February 1980
    "%d %b %Y",  # 15 Feb 1980
]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M:%S",  # 15.02.1980 18:00:59
    "%d.%m.%Y %H:%M:%S.%f",  # 15.02.1980 18:00:59.000200
    "%d.%m.%Y %H:%M",  # 15.02.1980 18:00
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 18:00:59
    "%H:%M:%S.%f",  # 18:00:59.000200
    "%H:%M",  # 18:00
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
