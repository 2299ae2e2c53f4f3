"""What reading the inputs found: per-file counts, skipped records, merged duplicates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputError


def _file(source: str) -> str:
    """The file part of a ``path:line`` source."""
    path, sep, line = source.rpartition(":")
    return path if sep and line.isdigit() else source


@dataclass
class ReadReport:
    """Collects counts and problems while readers run; the build summary prints it."""

    read: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    problems: list[InputError] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (kept id, dropped source, kept source)

    def paper(self, source: str) -> None:
        self.read[source] += 1

    def problem(self, error: InputError, skipped: int = 1) -> None:
        """Record a bad record or file; ``skipped`` is how many papers it cost."""
        self.problems.append(error)
        if error.source is not None:
            self.skipped[error.source] += skipped

    def duplicate_files(self) -> list[tuple[str, str, int]]:
        """``(file of the dropped record, file of the kept one, how many)``, most first."""
        pairs = Counter((_file(dropped), _file(kept)) for _, dropped, kept in self.duplicates)
        return [(dropped, kept, n) for (dropped, kept), n in pairs.most_common()]

    @property
    def total_read(self) -> int:
        return sum(self.read.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())
