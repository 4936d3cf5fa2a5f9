"""What the network learns from the apps standing on it, without importing them.

A liability fund is liable for the loans of its quarter, but loans live a floor higher
(`credits`). The app that owns them registers an exposure source here in its
`AppConfig.ready()`; `quarters.selectors.fund_figures_for` adds up what every registered
source reports. Without a source (the network alone) a fund has no exposure.
"""

from collections.abc import Callable
from decimal import Decimal

# quarter ids -> {quarter id: EUR the quarter's fund is liable for}. One set-based call for
# many quarters: a source must answer with a constant number of queries.
ExposureSource = Callable[[list[int]], dict[int, Decimal]]

_exposure_sources: list[ExposureSource] = []


def register_exposure_source(source: ExposureSource) -> None:
    """Idempotent: `ready()` may run more than once (tests, autoreload)."""
    if source not in _exposure_sources:
        _exposure_sources.append(source)


def exposure_sources() -> tuple[ExposureSource, ...]:
    return tuple(_exposure_sources)


# quarter ids -> {quarter id: EUR to add to the fund's paid-in capital}: what the fund lost on
# defaulted loans (negative) and got back later (positive). Same rules as the exposure sources.
CapitalSource = Callable[[list[int]], dict[int, Decimal]]

_capital_sources: list[CapitalSource] = []


def register_capital_source(source: CapitalSource) -> None:
    """Idempotent, like `register_exposure_source`."""
    if source not in _capital_sources:
        _capital_sources.append(source)


def capital_sources() -> tuple[CapitalSource, ...]:
    return tuple(_capital_sources)
