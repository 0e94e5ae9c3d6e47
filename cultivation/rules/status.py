"""A criterion result's status: the enum people read and the plain strings results carry.

Its own module so that the result types (``results``) and their wording (``explain``) share it
without importing each other.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    PENDING = "pending"  # depends on an attestation claimed but not yet confirmed (P3)
    MISSING = "missing"  # the figures needed are not there (or a ratio is undefined)


# Results carry these plain strings (equal to the Status members): hashing an Enum member runs Python
# code, and the evaluator looks statuses up tens of times per firm.
MET, NOT_MET, PENDING, MISSING = "met", "not_met", "pending", "missing"

Tri = bool | None
# A status as a three-valued answer: met is yes, not met and missing are no, pending is not known yet.
TRI: dict[str, Tri] = {MET: True, NOT_MET: False, MISSING: False, PENDING: None}
