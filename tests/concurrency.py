"""Run calls at the same moment, each in its own thread and database connection, as two
workers or two browsers would: for the tests of claims and row locks on PostgreSQL."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """What one call returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


def at_once(*calls: Callable[[], Any], timeout: float = 60) -> list[Outcome]:
    """Start every call behind one barrier and return their outcomes in the order given."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = Outcome(value=call())
        except BaseException as error:  # returned to the test, which asserts on it
            outcomes[index] = Outcome(error=error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a call did not finish in time"
    return [outcome or Outcome(error=RuntimeError("no outcome")) for outcome in outcomes]
