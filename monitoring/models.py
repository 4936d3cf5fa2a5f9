# The app's models live in one module per part; each part adds its own import line here.
from .check_models import LoanSnapshot, MonthlyCheck, QualityMeasure, QuarterRate  # noqa: F401
from .contact_models import Contact  # noqa: F401
