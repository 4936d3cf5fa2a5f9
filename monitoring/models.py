# The app's models live in one module per part; each part adds its own import line here.
from .check_models import (  # noqa: F401
    CheckSettings,
    LoanSnapshot,
    MonthlyCheck,
    QualityMeasure,
    QuarterRate,
)
from .contact_models import Contact  # noqa: F401
