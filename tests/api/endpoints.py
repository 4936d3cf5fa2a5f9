"""The collections under /api/v1/, as the router lists them."""

COLLECTIONS = (
    "municipalities",
    "quarters",
    "funds",
    "contributions",
    "applications",
    "guarantors",
    "guarantees",
    "committees",
    "ballots",
    "votes",
    "loans",
    "instalments",
    "payments",
    "statements",
    "bank-entries",
    "contacts",
    "checks",
)
