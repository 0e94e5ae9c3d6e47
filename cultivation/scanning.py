"""What every scan is: a kind, a plan of chunks for a day, and the judgement of one chunk.

A scan's ``plan(as_of)`` splits a run into chunks (firm-id ranges, the changed firms, or the whole
register at once); ``judge(chunk)`` does one chunk in one transaction. The same two steps serve
``run_scans`` (chunk after chunk, in this process) and Celery (one task per chunk, in parallel), so
neither knows any scan in particular. Every chunk is idempotent: judging it twice for the same day
does nothing more the second time. The scans themselves are listed in ``cultivation.scans``.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.db import models
from django.db.models import Max, Min
from django.utils.translation import gettext_lazy as _

from registry.models import Firm

from .models.alerts import AlertKind
from .selectors import FirmSet

CHUNK_SIZE = 2000

Progress = Callable[[int, int], None]


class ScanKind(models.TextChoices):
    """The name of each scan (``run_scans --only``, the Celery task's argument)."""

    NOTICE_CLOSING = "notice_closing", _("公示期满认定")
    PROMOTION_DUE = AlertKind.PROMOTION_DUE.value, AlertKind.PROMOTION_DUE.label
    DESIGNATION_EXPIRING = AlertKind.DESIGNATION_EXPIRING.value, AlertKind.DESIGNATION_EXPIRING.label
    FIGURES_OVERDUE = AlertKind.FIGURES_OVERDUE.value, AlertKind.FIGURES_OVERDUE.label
    POOL_RATING = AlertKind.POOL_RATING.value, AlertKind.POOL_RATING.label
    POOL_INTAKE = AlertKind.POOL_INTAKE.value, AlertKind.POOL_INTAKE.label
    UPGRADE_OVERDUE = AlertKind.UPGRADE_OVERDUE.value, AlertKind.UPGRADE_OVERDUE.label


@dataclass(frozen=True)
class Chunk:
    """One unit of a scan's run: the day judged and the firms looked at (``None``: the scan reads
    what it needs from the whole register at once)."""

    as_of: datetime.date
    firms: FirmSet | None = None

    @classmethod
    def between(cls, as_of: datetime.date, first_id: int, last_id: int) -> Chunk:
        return cls(as_of, FirmSet.between(first_id, last_id))

    def message(self) -> tuple[str, int | None, int | None, list[int] | None]:
        """The chunk as plain values for a Celery message (``from_message`` reads them back)."""
        firms = self.firms or FirmSet()
        ids = list(firms.ids) if firms.ids is not None else None
        return self.as_of.isoformat(), firms.first_id, firms.last_id, ids

    @classmethod
    def from_message(
        cls, as_of: str, first_id: int | None, last_id: int | None, ids: list[int] | None = None
    ) -> Chunk:
        day = datetime.date.fromisoformat(as_of)
        if ids is not None:
            return cls(day, FirmSet.of(ids))
        if first_id is None:
            return cls(day)
        return cls.between(day, first_id, last_id)


@dataclass
class ScanResult:
    """What a chunk (or a whole run, summed) examined and did; ``acted`` counts the alerts raised or,
    for a scan that acts, the items it changed; ``problems`` are per-item failures it skipped."""

    kind: str
    examined: int = 0
    acted: int = 0
    problems: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)  # the alerts raised, by alert kind

    def add(self, other: ScanResult) -> ScanResult:
        self.examined += other.examined
        self.acted += other.acted
        self.problems += other.problems
        for kind, count in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + count
        return self


class Scan(ABC):
    """A periodic sweep over the register. Subclasses name their ``kind`` and judge a chunk; the
    default plan covers the register in firm-id ranges."""

    kind: ClassVar[ScanKind]

    @property
    def label(self) -> str:
        """The scan's name in the active language."""
        return str(self.kind.label)

    def plan(
        self, as_of: datetime.date, *, incremental: bool = False, chunk_size: int = CHUNK_SIZE
    ) -> list[Chunk]:
        """The chunks of a run on ``as_of``. ``incremental`` asks for only what changed since the last
        run; a scan that cannot tell (all but the promotion scan) plans the full run."""
        return [Chunk.between(as_of, first, last) for first, last in firm_id_ranges(chunk_size)]

    @abstractmethod
    def judge(self, chunk: Chunk) -> ScanResult:
        """Do one chunk, in its own transaction."""

    def run(
        self,
        as_of: datetime.date,
        *,
        incremental: bool = False,
        chunk_size: int = CHUNK_SIZE,
        progress: Progress | None = None,
    ) -> ScanResult:
        """The whole run in this process, chunk after chunk (Celery runs the same chunks in parallel).
        ``progress(done, total)`` is told after each chunk of firms."""
        total = ScanResult(self.kind)
        chunks = self.plan(as_of, incremental=incremental, chunk_size=chunk_size)
        for done, chunk in enumerate(chunks, start=1):
            total.add(self.judge(chunk))
            if progress and chunk.firms is not None:
                progress(done, len(chunks))
        return total


class WholeRegisterScan(Scan, ABC):
    """A scan whose run is one chunk: it selects what it needs itself (few rows, or one total)."""

    def plan(
        self, as_of: datetime.date, *, incremental: bool = False, chunk_size: int = CHUNK_SIZE
    ) -> list[Chunk]:
        return [Chunk(as_of)]


def firm_id_ranges(chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Inclusive id ranges covering the register; ids are dense enough that ranges stay balanced."""
    bounds = Firm.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return []
    return [
        (start, min(start + chunk_size - 1, bounds["high"]))
        for start in range(bounds["low"], bounds["high"] + 1, chunk_size)
    ]
