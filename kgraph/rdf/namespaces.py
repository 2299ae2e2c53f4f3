"""IRIs kgraph mints and the vocabularies it reuses.

IRI policy (see ontology/README.md): every resource's IRI is derived from a stable id —
papers from DOI, arXiv id, the record's own id or a title hash; entities from their
resolution key; mentions from paper, field and offsets; links from their two papers —
so the same input gives the same IRIs on every run.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

ONTOLOGY = "https://w3id.org/kgraph/ontology#"
DATA = "https://w3id.org/kgraph/id/"

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY,
    "kgp": DATA + "paper/",
    "kge": DATA + "entity/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class KG:
    """The terms of kgraph's ontology (``ontology/kgraph.ttl``) that kgraph writes, as Turtle CURIEs.

    The writers take every ``kg:`` term from here; a test checks that each is declared in
    the ontology and that each declared term is here or in :data:`NOT_WRITTEN`.

    >>> KG.mentions
    'kg:mentions'
    """

    # classes
    Paper = "kg:Paper"
    Method = "kg:Method"
    Dataset = "kg:Dataset"
    Task = "kg:Task"
    Metric = "kg:Metric"
    Concept = "kg:Concept"
    PaperLink = "kg:PaperLink"
    Build = "kg:Build"
    RelationStatement = "kg:RelationStatement"
    EntityRelation = "kg:EntityRelation"
    Result = "kg:Result"
    # properties
    mentions = "kg:mentions"
    relatedTo = "kg:relatedTo"
    source = "kg:source"
    target = "kg:target"
    sharedEntity = "kg:sharedEntity"
    weight = "kg:weight"
    inField = "kg:inField"
    sentenceIndex = "kg:sentenceIndex"
    extractor = "kg:extractor"
    confidence = "kg:confidence"
    paperCount = "kg:paperCount"
    mentionCount = "kg:mentionCount"
    kindRank = "kg:kindRank"
    cooccurrenceOf = "kg:cooccurrenceOf"
    cooccursWith = "kg:cooccursWith"
    sharedPapers = "kg:sharedPapers"
    mergedBy = "kg:mergedBy"
    lookupLabel = "kg:lookupLabel"
    resolutionKey = "kg:resolutionKey"
    expansion = "kg:expansion"
    generic = "kg:generic"
    specificityEvidence = "kg:specificityEvidence"
    kgraphVersion = "kg:kgraphVersion"
    extractorTier = "kg:extractorTier"
    extractorModel = "kg:extractorModel"
    cooccurrenceMinPapers = "kg:cooccurrenceMinPapers"
    # relations and results
    usedFor = "kg:usedFor"
    featureOf = "kg:featureOf"
    hyponymOf = "kg:hyponymOf"
    partOf = "kg:partOf"
    evaluateFor = "kg:evaluateFor"
    compare = "kg:compare"
    conjunction = "kg:conjunction"
    relationType = "kg:relationType"
    subject = "kg:subject"
    object = "kg:object"
    headMention = "kg:headMention"
    tailMention = "kg:tailMention"
    statedIn = "kg:statedIn"
    sentence = "kg:sentence"
    evidence = "kg:evidence"
    supportPapers = "kg:supportPapers"
    value = "kg:value"
    numericValue = "kg:numericValue"
    resultKind = "kg:resultKind"
    valueStart = "kg:valueStart"
    valueEnd = "kg:valueEnd"
    metric = "kg:metric"
    dataset = "kg:dataset"
    method = "kg:method"
    metricLabel = "kg:metricLabel"
    datasetLabel = "kg:datasetLabel"
    methodLabel = "kg:methodLabel"
    # time
    EntityYear = "kg:EntityYear"
    Burst = "kg:Burst"
    yearOf = "kg:yearOf"
    year = "kg:year"
    share = "kg:share"
    firstYear = "kg:firstYear"
    peakYear = "kg:peakYear"
    burstOf = "kg:burstOf"
    startYear = "kg:startYear"
    endYear = "kg:endYear"
    burstWeight = "kg:burstWeight"
    papersInYear = "kg:papersInYear"
    YearRanking = "kg:YearRanking"
    rankingOf = "kg:rankingOf"
    rankedIn = "kg:rankedIn"
    yearRank = "kg:yearRank"
    rankFloor = "kg:rankFloor"


#: The entity-to-entity property of each SciERC relation name ("CRF kg:usedFor NER").
RELATION_PROPERTY: dict[str, str] = {
    "USED-FOR": KG.usedFor, "FEATURE-OF": KG.featureOf, "HYPONYM-OF": KG.hyponymOf, "PART-OF": KG.partOf,
    "EVALUATE-FOR": KG.evaluateFor, "COMPARE": KG.compare, "CONJUNCTION": KG.conjunction,
}


#: Terms the ontology declares that kgraph does not write, and why.
NOT_WRITTEN: dict[str, str] = {
    "kg:Entity": "the superclass of the five kinds: an entity is typed by its kind (and skos:Concept)",
    "kg:Mention": "an annotation is typed oa:Annotation; its oa:hasBody says it is a mention (one triple fewer each)",
    "kg:Cooccurrence": "a co-occurrence node is known by its kg:cooccurrenceOf; no query needs the class",
}


def terms() -> dict[str, str]:
    """Every CURIE of :class:`KG`, by attribute name."""
    return {name: value for name, value in vars(KG).items() if not name.startswith("_")}


def paper_iri(paper_id: str) -> str:
    """>>> paper_iri("doi:10.1/x")
    'https://w3id.org/kgraph/id/paper/doi%3A10.1%2Fx'
    """
    return PREFIXES["kgp"] + quote(paper_id, safe="")


def entity_iri(entity_id: str) -> str:
    return PREFIXES["kge"] + entity_id


def mention_iri(paper_id: str, field: str, start: int, end: int) -> str:
    return mention_iri_under(paper_iri(paper_id), field, start, end)


def mention_iri_under(paper: str, field: str, start: int, end: int) -> str:
    """:func:`mention_iri` from the paper's IRI (writers that already made it)."""
    return f"{paper}/mention/{field}-{start}-{end}"


def relation_iri(subject: str, label: str, object_: str) -> str:
    """The IRI of an entity relation: ``entity/<subject>/relation/<label>/<object>``."""
    return f"{entity_iri(subject)}/relation/{label}/{object_}"


def link_iri(source: str, target: str) -> str:
    digest = hashlib.sha1(f"{source}\n{target}".encode()).hexdigest()[:20]
    return f"{DATA}link/{digest}"


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to put before a user's query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
