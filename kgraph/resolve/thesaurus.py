"""User thesaurus files in VOSviewer's format.

A tab-separated text file whose first line is the header ``label<TAB>replace by``; each
further line maps a term to the term that replaces it, and an empty ``replace by``
removes the term from the graph. Matching uses :func:`normalise_label`, so one line
covers case, plural and hyphen variants.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "thesaurus.txt"
>>> _ = path.write_text("label\\treplace by\\nGaussian splats\\t3D Gaussian Splatting\\nmethod\\t\\n")
>>> thesaurus, problems = read_thesaurus(path)
>>> thesaurus.lookup("gaussian splat"), thesaurus.lookup("Methods"), problems
('3D Gaussian Splatting', '', [])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..model import Entity
from ..readers.textfile import read_text
from ..text.labels import normalise_label, tidy_label

HEADER = ("label", "replace by")


@dataclass(frozen=True)
class Thesaurus:
    """Normalised term -> replacement label (``""`` removes the term)."""

    replacements: dict[str, str] = field(default_factory=dict)

    def lookup(self, label: str) -> str | None:
        """The replacement for ``label``, ``""`` to remove it, or None when not listed."""
        return self.replacements.get(normalise_label(label))

    def __len__(self) -> int:
        return len(self.replacements)


def read_thesaurus(path: Path) -> tuple[Thesaurus, list[InputError]]:
    """Parse a thesaurus file; malformed lines are returned as problems (with line numbers), not raised.

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, binary); bytes that are not UTF-8
        are read as U+FFFD and returned as a problem.
    """
    problems: list[InputError] = []
    replacements: dict[str, str] = {}
    lines = read_text(path, problems.append).splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if number == 1 and tuple(c.strip().lower() for c in cells) == HEADER:
            continue
        if len(cells) != 2:
            problems.append(InputError(f"expected 2 tab-separated columns (label, replace by), "
                                       f"found {len(cells)}: {line[:60]!r}", path, number))
            continue
        label, replacement = tidy_label(cells[0]), tidy_label(cells[1])
        key = normalise_label(label)
        if not key:
            problems.append(InputError("empty label", path, number))
            continue
        if key in replacements and replacements[key] != replacement:
            problems.append(InputError(f"{label!r} is listed twice with different replacements; the first one is kept",
                                       path, number))
            continue
        replacements[key] = replacement
    return Thesaurus(replacements), problems


def merge_rows(entities: Iterable[Entity]) -> list[tuple[str, str]]:
    """(variant, preferred label) for every merge, as thesaurus rows.

    A variant that belongs to several entities (an acronym with two expansions in the
    corpus, kept apart per paper) cannot be one thesaurus line, so it is left out.
    """
    entities = sorted(entities, key=lambda e: e.label.lower())
    owners: dict[str, set[str]] = {}
    for entity in entities:
        for alt in entity.alt_labels:
            owners.setdefault(normalise_label(alt), set()).add(entity.id)
    return [(alt, e.label) for e in entities for alt in e.alt_labels if len(owners[normalise_label(alt)]) == 1]


def thesaurus_lines(rows: Iterable[tuple[str, str]]) -> list[str]:
    """File lines (header first) for (label, replace by) rows."""
    return ["\t".join(HEADER)] + [f"{label}\t{replacement}" for label, replacement in rows]
