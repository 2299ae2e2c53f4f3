"""When the papers of each entity appeared: the year facts the GEXF, VOSviewer and CSV exports show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..graph.data import GraphData


def first_and_mean(years: Iterable[int]) -> tuple[int, float] | None:
    """The first and the mean of some years (mean to 2 decimals); None for none.

    >>> first_and_mean([2021, 2019, 2020, 2020])
    (2019, 2020.0)
    >>> first_and_mean([]) is None
    True
    """
    seen = list(years)
    return (min(seen), round(sum(seen) / len(seen), 2)) if seen else None


def entity_years(data: GraphData, entity_ids: Iterable[str] | None = None) -> dict[str, tuple[int, float]]:
    """Entity id -> first and mean year of the papers that mention it.

    Every entity, generic ones too, unless ``entity_ids`` picks some; an entity none of
    whose papers has a year is left out (a corpus without years gives an empty dict).
    """
    year_of: Mapping[str, int | None] = {p.id: p.year for p in data.papers}
    papers_of = data.papers_of_entity
    out: dict[str, tuple[int, float]] = {}
    for entity_id in papers_of if entity_ids is None else entity_ids:
        found = first_and_mean(y for p in papers_of.get(entity_id, ()) if (y := year_of[p]) is not None)
        if found is not None:
            out[entity_id] = found
    return out
