"""The ``kgraph`` command: thin typer wrappers over the library.

Every command prints problems as one line naming the file and line, and exits non-zero
only for errors (or warnings with ``--strict``).

Titles, labels, paths and messages are the user's text: the consoles read no markup
and no emoji codes (a title ``See [/x]`` raised rich's MarkupError, ``[bold]`` printed
bold); the few styled words pass ``markup=True`` with the text around them escaped.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape  # a message may hold brackets: paths, titles, pip extras such as kgraph[dask]
from rich.table import Table

from .errors import InputError, KGraphError
from .version import __version__

if TYPE_CHECKING:
    from spacy.language import Language

    from .extract.annotate import TextRecord
    from .graph.data import GraphData
    from .readers import ReadReport

app = typer.Typer(
    name="kgraph",
    help="Turn scientific abstracts into a knowledge graph (RDF/SPARQL, HTML, GraphML, Python API).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)

DEFAULT_DIR = Path("exports")


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(2)


def _warn(problem: object) -> None:
    err.print(f"[yellow]warning:[/] {escape(str(problem))}", highlight=False, markup=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"kgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """kgraph: abstracts in, knowledge graph out."""


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(
        metavar="INPUT...",
        help="Files or folders (read recursively), '-' for stdin: BibTeX, RIS, CSV/TSV (Scopus, IEEE, WoS), WoS tagged "
             "text, arXiv Atom/snapshot, OpenAlex, Semantic Scholar, JSON/JSONL, seed pages.", show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="DIR", help="Folder for the outputs.")] = DEFAULT_DIR,
    fast: Annotated[bool, typer.Option("--fast", help="Use the fast (CNN) extractor tier.")] = False,
    tier: Annotated[str | None, typer.Option(
        metavar="TIER", help="Extractor tier: accurate, fast or rules (default: accurate when installed).")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", metavar="FORMAT",
        help="Force the input format instead of detecting it: seedpage, jsonl, json, openalex, s2, arxiv, "
             "atom, bibtex, ris, csv, wos.")] = None,
    field_map: Annotated[list[str] | None, typer.Option(
        "--map", metavar="FIELD=COLUMN",
        help="CSV/JSON field mapping FIELD=COLUMN (title, abstract, year, authors, doi, arxiv_id, url, venue, "
             "id); repeatable.")] = None,
    top_k: Annotated[int, typer.Option(metavar="N", help="Paper-paper links kept per paper.", min=1)] = 10,
    thesaurus: Annotated[Path | None, typer.Option(
        metavar="FILE", help="VOSviewer thesaurus (label<TAB>replace by; empty replacement removes the term).")] = None,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 when any record was skipped.")] = False,
    relations: Annotated[bool, typer.Option(
        help="Predict typed relations between the mentions of each sentence (the relation model costs about as "
             "much as extraction; --no-relations leaves them out).")] = True,
    cache: Annotated[bool, typer.Option(
        help="Reuse the mentions of papers extracted by an earlier build in the same folder "
             "(OUTPUT/cache.sqlite).")] = True,
    processes: Annotated[str, typer.Option(
        "--processes", "-j", metavar="N|auto",
        help="Extraction worker processes: a number, or auto (every CPU once the corpus pays for "
             "starting them).")] = "auto",
    engine: Annotated[str, typer.Option(
        metavar="local|dask",
        help="Extraction engine: local (worker processes) or dask (partitions on a Dask cluster; pip install "
             "'kgraph[dask]').")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786) for --engine dask; OUTPUT must then be on a filesystem the "
             "workers share. Default: a local cluster.")] = None,
    rdf_provenance: Annotated[str, typer.Option(
        metavar="full|entities",
        help="What graph.ttl keeps of where entities were found: full (every mention's annotation: offsets, quote, "
             "sentence, extractor, confidence) or entities (which papers mention which entities; about half the "
             "file). graph.trig and the store keep everything.")] = "full",
    skip: Annotated[list[str] | None, typer.Option(
        metavar="store|trig|graphml|html",
        help="Leave an output out (repeatable): store (queries then load graph.ttl into memory), trig (no "
             "`kgraph push`), graphml, html. For corpora past ~200k papers, whose store and page cost more disk "
             "and time than they give.")] = None,
) -> None:
    """Build the graph: writes kgraph.json, graph.ttl, graph.trig, graph.graphml, graph.html and a SPARQL store.

    Rebuilding into the same folder extracts only new or changed papers (see --no-cache).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .builder import BuildOptions, BuildSummary, build_data
    from .cache import CACHE_FILE
    from .export.outputs import SKIPPABLE, save_build
    from .rdf.convert import PROVENANCE, format_papers

    summary = BuildSummary()
    if processes != "auto" and not (processes.isdigit() and int(processes) > 0):
        raise typer.BadParameter("a positive number or 'auto'", param_hint="--processes")
    if engine not in ("local", "dask"):
        raise typer.BadParameter("local or dask", param_hint="--engine")
    if scheduler and engine != "dask":
        raise typer.BadParameter("needs --engine dask", param_hint="--scheduler")
    if rdf_provenance not in PROVENANCE:
        raise typer.BadParameter(" or ".join(PROVENANCE), param_hint="--rdf-provenance")
    left_out = sorted(set(skip or ()))
    if any(name not in SKIPPABLE for name in left_out):
        raise typer.BadParameter(", ".join(SKIPPABLE), param_hint="--skip")
    missing = [str(p) for p in inputs if str(p) != "-" and not p.exists()]
    if missing:  # a mistyped path is said at once, not after a long build without it
        raise typer.BadParameter(f"no such file or folder: {', '.join(missing)}", param_hint="INPUTS")
    if field_map:
        if any("=" not in item or ";" in item for item in field_map):
            raise typer.BadParameter("FIELD=COLUMN, one per --map", param_hint="--map")
        fmt = f"{fmt or ''}:{';'.join(field_map)}"  # the readers' format spec carries the mapping
    options = BuildOptions(tier="fast" if fast else tier, top_k=top_k, fmt=fmt, thesaurus=thesaurus,
                           processes=processes if processes == "auto" else int(processes),
                           engine=engine, scheduler=scheduler, relations=relations)
    try:
        if engine == "dask":  # fail before reading anything when the extra is missing
            from .run.dask_engine import SHARD_DIR, require_dask

            require_dask()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            lines = None if err.is_terminal else ProgressLines(lambda line: err.print(line, markup=False,
                                                                                       highlight=False))

            def progress(name: str, total: int) -> Callable[[], None]:
                if lines is not None:  # a log file or a pipe: progress as lines, not bars
                    return lines.start(name, total)
                task = bar.add_task(name, total=total)
                return lambda: bar.advance(task)

            cache_path = output / CACHE_FILE if cache else None
            shard_dir = output / SHARD_DIR if engine == "dask" else None
            data = build_data(inputs, options, summary=summary, progress=progress, cache_path=cache_path,
                              shard_dir=shard_dir, on_stage=lines.stage if lines is not None else None)
            if lines is not None:
                lines.stage("writing outputs", None)
            with contextlib.ExitStack() as stack:
                formatter = None
                if engine == "dask":  # the paper graphs of the RDF are formatted on the cluster too
                    from .run.dask_engine import DaskMap

                    formatter = stack.enter_context(DaskMap(format_papers, scheduler))
                written = save_build(data, output, timings=summary.timings, cache_path=cache_path,
                                     store_changes=summary.store, provenance=rdf_provenance, skip=left_out,
                                     format_chunks=formatter)
    except KGraphError as exc:
        _print_problems(summary.report)
        raise _fail(exc) from None
    except (OSError, sqlite3.Error) as exc:  # a full disk, a read-only folder: the previous build stays
        _print_problems(summary.report)
        raise _fail(KGraphError(f"could not write the build into {output}/ ({exc}); "
                                "the previous build there, if any, is unchanged")) from None
    report = summary.report
    _print_problems(report)
    for path, count in report.read.items():
        skipped = report.skipped.get(path, 0)
        out.print(f"read {count:5d} papers from {path}" + (f" ({skipped} skipped)" if skipped else ""), highlight=False)
    for path, skipped in report.skipped.items():
        if path not in report.read:
            out.print(f"read     0 papers from {path} ({skipped} skipped)", highlight=False)
    out.print(
        f"{report.total_read} records, {len(report.duplicates)} duplicates merged, "
        f"{report.total_skipped} skipped, {len(report.problems)} warning{'' if len(report.problems) == 1 else 's'} "
        f"-> {len(data.papers)} papers",
        highlight=False,
    )
    for dropped, kept, count in report.duplicate_files():
        where = "within that file" if dropped == kept else f"already read from {kept}"
        noun = "duplicate " if count == 1 else "duplicates"
        out.print(f"  merged {count:4d} {noun} from {dropped} ({where})", highlight=False)
    _print_counts(data)
    if summary.dropped_mentions:
        out.print(f"  {summary.dropped_mentions} mentions dropped (removed by the thesaurus, or no name left)",
                  highlight=False)
    if summary.years:
        years = summary.years
        span = f" ({min(data.year_totals)}-{max(data.year_totals)})" if data.year_totals else ""
        out.print(f"years: {years['record']} from the records, {years['arxiv_id']} from arXiv ids, "
                  f"{years['none']} papers without a year{span}; {years.get('with_month', 0)} with a month",
                  highlight=False)
    timing = ", ".join(f"{stage} {secs:.1f}s" for stage, secs in summary.timings.items())
    out.print(f"extractor: {summary.tier}; {timing}", highlight=False)
    if summary.cache:
        out.print(f"cache: {summary.cache['reused']} papers reused, {summary.cache['extracted']} extracted, "
                  f"{summary.cache['dropped']} stale entries dropped", highlight=False)
    if summary.store:
        out.print(f"store updated in place: {summary.store['blocks_changed']} changed blocks, "
                  f"{summary.store['triples_removed']} triples removed, {summary.store['triples_added']} added; "
                  f"{summary.store['papers_reused']} unchanged paper graphs and "
                  f"{summary.store.get('entities_reused', 0)} entities not formatted again", highlight=False)
    order = ("graph.ttl", "graph.trig", "graph.html", "graph.graphml", "kgraph.json", "store")
    present = {p.name for p in written}
    names = [f"{name}/" if name == "store" else name for name in order if name in present]
    out.print(f"wrote {output}/ ({', '.join([*names, *(['cache.sqlite'] if cache else [])])})", highlight=False)
    if strict and report.problems:
        raise typer.Exit(1)


def _print_problems(report: ReadReport) -> None:
    for problem in report.problems:
        _warn(problem)


class ProgressLines:
    """Progress as plain lines, for a log file or a pipe where a bar cannot redraw.

    A task prints a line when it starts, then at most one every ``every`` seconds and one
    when it is done; a stage prints one line when it ends.

    >>> said = []
    >>> lines = ProgressLines(said.append, every=0.0, clock=iter(range(0, 100, 10)).__next__)
    >>> tick = lines.start("Extracting", 2)
    >>> tick(); tick()
    >>> lines.stage("extract", 20.0)
    >>> said
    ['Extracting: 0/2 papers', 'Extracting: 1/2 papers (50%), 0.1/s, about 10s left',
     'Extracting: 2/2 papers (100%), 0.1/s, done in 20s', 'extract done in 20.0s']
    """

    def __init__(self, say: Callable[[str], None], every: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._say, self._every, self._clock = say, every, clock

    def start(self, name: str, total: int) -> Callable[[], None]:
        """Announce a task of ``total`` papers; returns the callback to call once per paper."""
        began = last = self._clock()
        done = 0
        self._say(f"{name}: 0/{total} papers")

        def tick() -> None:
            nonlocal done, last
            done += 1
            now = self._clock()
            if done < total and now - last < self._every:
                return
            last = now
            rate = done / max(now - began, 1e-9)
            tail = f"done in {now - began:.0f}s" if done >= total else f"about {(total - done) / rate:.0f}s left"
            self._say(f"{name}: {done}/{total} papers ({100 * done / max(total, 1):.0f}%), {rate:.1f}/s, {tail}")

        return tick

    def stage(self, name: str, seconds: float | None) -> None:
        """Say that a stage ended (``seconds`` it took) or, with ``None``, that it starts."""
        self._say(f"{name} done in {seconds:.1f}s" if seconds is not None else f"{name}…")


def _print_counts(data: GraphData) -> None:
    from collections import Counter

    kinds = Counter(e.kind.value for e in data.specific_entities)
    generic = len(data.entities) - len(data.specific_entities)
    out.print(
        f"{len(data.specific_entities)} entities ("
        + ", ".join(f"{k} {kinds.get(k, 0)}" for k in ("Method", "Dataset", "Task", "Metric", "Concept"))
        + f") and {generic} generic ones, {sum(1 for e in data.mention_entity if e)} mentions, "
        f"{len(data.links)} paper-paper links",
        highlight=False,
    )


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(
        help="A SPARQL SELECT or ASK query ('-' reads it from stdin). Predeclared prefixes: kg: kgp: kge: dcterms: "
             "fabio: schema: skos: oa: prov: prism: rdf: rdfs: owl: xsd:.", show_default=False)] = None,
    graph: Annotated[Path, typer.Option("--graph", "-g", help="A build folder or a Turtle file.")] = DEFAULT_DIR,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv or json.")] = "table",
    name: Annotated[str | None, typer.Option(
        "--name", "-n", help="Run a canned query from ontology/queries (see --list).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="A canned query's parameter as key=value (repeatable).")] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the canned queries and their parameters.")] = False,
    endpoint: Annotated[str | None, typer.Option(
        help="Query this SPARQL 1.1 endpoint (e.g. http://127.0.0.1:7878/query after `kgraph push`) instead of a "
             "build's store.")] = None,
) -> None:
    """Run a SPARQL query (or a canned one) against a build's store and print the result."""
    from functools import partial

    from .rdf.queries import bind_canned, canned_queries, run_canned
    from .rdf.remote import remote_query
    from .rdf.store import format_rows, open_store, run_query

    if list_queries:
        for canned in canned_queries().values():
            out.print(f"[bold]{escape(canned.name)}[/]: {escape(canned.title)}", highlight=False, markup=True)
            for p in canned.params:
                default = f" (default {p.default})" if p.default else " (required)"
                out.print(f"    --param {p.name}=…  {p.description}{default}", highlight=False)
        return
    if fmt not in {"table", "csv", "tsv", "json"}:
        raise _fail(KGraphError(f"unknown --format {fmt!r}; choose table, csv, tsv or json"))
    if (sparql is None) == (name is None):
        raise _fail(KGraphError("give either a SPARQL query or --name NAME (see --list)"))
    values = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise _fail(KGraphError(f"--param needs key=value, got {item!r}"))
        values[key.strip()] = value
    try:
        if endpoint is not None:
            if name is not None:
                text = bind_canned(name, values, partial(remote_query, endpoint))
            else:
                assert sparql is not None  # either a query or --name, checked above
                text = sys.stdin.read() if sparql == "-" else sparql
            result = remote_query(endpoint, text)
        elif name is not None:
            result = run_canned(open_store(graph), name, values)
        else:
            assert sparql is not None  # either a query or --name, checked above
            result = run_query(open_store(graph), sys.stdin.read() if sparql == "-" else sparql)
    except KGraphError as exc:
        raise _fail(exc) from None
    if fmt != "table":
        sys.stdout.write(format_rows(result, fmt) + ("\n" if fmt == "json" else ""))
        return
    table = Table(*result.columns, show_lines=False)
    for row in result.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)
    out.print(f"{len(result.rows)} row(s)", highlight=False)


@app.command()
def push(
    build_dir: Annotated[Path, typer.Argument(help="A build folder (with graph.trig).")] = DEFAULT_DIR,
    endpoint: Annotated[str, typer.Option(
        help="The server's SPARQL 1.1 Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
             "http://host:3030/ds/data (Fuseki).")] = ...,  # type: ignore[assignment]  # typer: ... = required
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each request.")] = 60.0,
) -> None:
    """Load a build into an external SPARQL store, one named graph per paper.

    A re-push sends only the graphs that changed and deletes those of removed papers.
    """
    from .rdf.remote import push as push_build

    try:
        done = push_build(build_dir, endpoint, timeout=timeout)
    except KGraphError as exc:
        raise _fail(exc) from None
    out.print(f"pushed {build_dir} to {endpoint}: {done.sent} graphs sent, {done.unchanged} unchanged, "
              f"{done.deleted} deleted", highlight=False)


@app.command()
def stats(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    top: Annotated[int, typer.Option(help="How many top entities to list.", min=0)] = 10,
    include_generic: Annotated[bool, typer.Option(
        "--include-generic", help="List generic entities (\"training data\", \"features\") too.")] = False,
) -> None:
    """Papers, entities by type, links, top entities and ambiguous acronyms of a build."""
    from .api import load
    from .text.labels import other_forms

    try:
        kg = load(directory)
    except KGraphError as exc:
        raise _fail(exc) from None
    data = kg.data
    out.print(f"{len(data.papers)} papers (extractor: {data.meta.get('tier', '?')}, "
              f"built {data.meta.get('created', '?')})", highlight=False)
    _print_counts(data)
    table = Table("entity", "type", "papers", "also written as", title=f"Top {top} entities")
    for entity in kg.entities(include_generic=include_generic)[:top]:
        table.add_row(entity.label, entity.kind.value, str(len(data.papers_of_entity.get(entity.id, ()))),
                      ", ".join(other_forms(entity.label, entity.alt_labels, entity.expansion)[:4]))
    out.print(table)
    if data.ambiguous_acronyms:
        amb = Table("acronym", "expansions in this corpus", title="Ambiguous acronyms (kept apart)")
        for short, longs in sorted(data.ambiguous_acronyms.items()):
            amb.add_row(short, " | ".join(longs))
        out.print(amb)


@app.command()
def entities(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    kind: Annotated[str | None, typer.Option(help="Only this type: Method, Dataset, Task, Metric or Concept.")] = None,
    limit: Annotated[int, typer.Option(help="How many to list (0 = all).", min=0)] = 30,
    include_generic: Annotated[bool, typer.Option(
        "--include-generic", help="List generic entities (\"training data\", \"features\") too.")] = False,
    to_thesaurus: Annotated[Path | None, typer.Option(
        "--to-thesaurus", help="Write every merge kgraph made as a VOSviewer thesaurus to review, edit and pass back "
                               "with build --thesaurus.")] = None,
) -> None:
    """List entities with their variants and how they were merged; export the merges as a thesaurus."""
    from .api import load
    from .atomic import write_text_atomic
    from .resolve.thesaurus import merge_rows, thesaurus_lines
    from .text.labels import other_forms

    try:
        kg = load(directory)
        chosen = kg.entities(kind, include_generic=include_generic)
    except (KGraphError, ValueError) as exc:
        raise _fail(exc) from None
    if to_thesaurus is not None:
        rows = merge_rows(kg.data.entities)
        write_text_atomic(to_thesaurus, "\n".join(thesaurus_lines(rows)) + "\n")
        out.print(f"wrote {len(rows)} merges of {sum(1 for e in kg.data.entities if e.alt_labels)} entities "
                  f"to {to_thesaurus}", highlight=False)
        return
    table = Table("entity", "type", "papers", "variants", "merged by", *(["generic"] if include_generic else []))
    papers_of = kg.data.papers_of_entity
    for entity in chosen[: limit or None]:
        extra = [", ".join(entity.evidence) if entity.generic else ""] if include_generic else []
        table.add_row(entity.label, entity.kind.value, str(len(papers_of.get(entity.id, ()))),
                      ", ".join(other_forms(entity.label, entity.alt_labels, entity.expansion)),
                      ", ".join(entity.merged_by), *extra)
    out.print(table)
    out.print(f"{len(chosen)} entities", highlight=False)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    to: Annotated[Path, typer.Option(
        "--to", "-o", metavar="PATH",
        help="Output file: .ttl, .nt, .jsonld, .trig, .nq (RDF), .graphml or .gexf (Gephi), .json with --format "
             "vosviewer; a folder for --format csv.",
    )] = Path("exports/graph.nt"),
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", metavar="FORMAT",
        help="The format, where the extension does not say: ttl, nt, jsonld, trig, nq, graphml, gexf, vosviewer "
             "(a .json map for VOSviewer), or csv (papers, entities, mentions, links, relations and results as CSV "
             "tables in the folder PATH).")] = None,
    vos_map: Annotated[str | None, typer.Option(
        "--map", metavar="terms|papers",
        help="VOSviewer map: terms (entities linked by the papers they share; the default) or papers (papers "
             "linked by kgraph's links).")] = None,
    top: Annotated[int | None, typer.Option(
        metavar="N", min=0, help="Items of the VOSviewer map: the N entities in most papers (or papers with most "
                                 "link weight); 0 for all. Default: 1000.")] = None,
) -> None:
    """Write a build in another format (RDF; GraphML or GEXF for Gephi; VOSviewer; CSV tables)."""
    from .api import load
    from .export.formats import export_format, write_export
    from .export.vosviewer import DEFAULT_TOP, MAPS

    try:
        chosen = export_format(to, fmt)
    except KGraphError as exc:
        raise _fail(exc) from None
    if chosen != "vosviewer" and (vos_map is not None or top is not None):
        raise typer.BadParameter("only for --format vosviewer", param_hint="--map/--top")
    if vos_map is not None and vos_map not in MAPS:
        raise typer.BadParameter(" or ".join(MAPS), param_hint="--map")
    try:
        data = load(directory).data
        write_export(data, to, chosen, vosviewer_map=vos_map or "terms", top=DEFAULT_TOP if top is None else top)
    except KGraphError as exc:
        raise _fail(exc) from None
    size = sum(p.stat().st_size for p in to.iterdir()) if to.is_dir() else to.stat().st_size
    out.print(f"wrote {to} ({size:,} bytes)", highlight=False)


@app.command()
def serve(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    host: Annotated[str, typer.Option(
        help="Address to bind; the default keeps the endpoint on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    timeout: Annotated[float, typer.Option(
        help="Seconds a query may run (counted from when it starts, not while it waits) before it is cut off.",
        min=0.1)] = 30.0,
    max_bytes: Annotated[int, typer.Option(help="Largest result served, in bytes.", min=1)] = 50_000_000,
    workers: Annotated[int, typer.Option(
        help="Query processes; at most half of them may run queries longer than a second, so quick queries "
             "always find one free.", min=1)] = 4,
    cors: Annotated[str | None, typer.Option(
        help="Allow browser pages from this origin to query (e.g. a YASGUI host); off by default.")] = None,
) -> None:
    """Serve the build: SPARQL 1.1 Protocol at /sparql (read-only), a query page at /query and the HTML view at /."""
    from .serve import Limits, make_server

    try:
        endpoint = make_server(directory, host, port, Limits(timeout=timeout, max_bytes=max_bytes, workers=workers),
                               cors)
    except (KGraphError, OSError) as exc:
        raise _fail(exc) from None
    import signal

    def _stop(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second `kill` must not cut the shutdown short
        raise KeyboardInterrupt  # `kill` stops the server as cleanly as Ctrl-C: workers included

    signal.signal(signal.SIGTERM, _stop)
    out.print(f"SPARQL endpoint: {endpoint.url}/sparql   query page: {endpoint.url}/query   "
              f"graph view: {endpoint.url}/   (Ctrl-C stops)",
              highlight=False)
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # likewise a second Ctrl-C
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        endpoint.close()


@app.command()
def view(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Only print the page's path.")] = False,
) -> None:
    """Open the build's graph.html in a browser (or print its path when there is none)."""
    import webbrowser

    page = (directory / "graph.html").absolute()  # the link, not the generation it points to now
    if not page.is_file():
        raise _fail(KGraphError(f"{directory}: no graph.html here; run `kgraph build ... -o {directory}` first"))
    opened = False
    if not no_browser:
        try:
            opened = webbrowser.open(page.as_uri())
        except webbrowser.Error:
            opened = False
    out.print(("opened " if opened else "") + page.as_uri(), highlight=False)


@app.command()
def trends(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    entity: Annotated[list[str] | None, typer.Option(
        "--entity", help="An entity's years (any label or variant); repeat to compare several.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this type: Method, Dataset, Task, Metric or Concept.")] = None,
    emerging: Annotated[bool, typer.Option(
        "--emerging", help="The entities whose use grew most since --since (the default without --entity).")] = False,
    fading: Annotated[bool, typer.Option("--fading", help="The entities whose use fell most since --since.")] = False,
    since: Annotated[str | None, typer.Option(
        help="The year (or YYYY-MM month, with --by month) a change is measured from (default: the middle one).")]
        = None,
    by: Annotated[str, typer.Option(
        help="Count papers per year, or per month (papers dated to a month: arXiv ids, full dates).")] = "year",
    top: Annotated[int, typer.Option(help="How many entities.", min=1)] = 20,
    min_papers: Annotated[int, typer.Option(help="Fewest papers an emerging/fading entity needs.", min=1)] = 5,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    plot: Annotated[Path | None, typer.Option(
        help="Also draw the entities' papers per year into this .svg file.")] = None,
) -> None:
    """When entities appear, peak and fade: papers per year, emerging and fading entities, bursts."""
    import csv
    import json

    from .api import load
    from .atomic import write_text_atomic
    from .export.trendchart import sparkline, svg_chart
    from .graph.trends import period_name
    from .text.spreadsheet import safe_cell

    if fmt not in ("table", "json", "csv"):
        raise _fail(KGraphError(f"unknown --format {fmt!r}; choose table, json or csv"))
    if plot is not None and plot.suffix.lower() != ".svg":
        raise _fail(KGraphError(f"{plot}: --plot writes SVG (a .svg file)"))
    try:
        kg = load(directory)
        if entity:
            rows = [kg.trend_details(name, by) for name in entity]
        else:
            rows = kg.emerging(kind, since=since, top=top, fading=fading, min_papers=min_papers, by=by)
            rows = [{**row, **{k: v for k, v in kg.trend_details(str(row["entity"]), by).items() if k != "entity"}}
                    for row in rows]
    except (KGraphError, ValueError) as exc:
        raise _fail(exc) from None
    totals = kg.data.period_totals(by)
    if not totals:
        raise _fail(KGraphError(f"{directory}: no paper of this build has a {by}"))

    def name(period: int) -> str:
        return str(period_name(period, by))

    periods = list(range(min(totals), max(totals) + 1))
    key = {name(p): p for p in periods}  # "2025-03" (or "2025") -> the period's number
    if plot is not None:
        lines = {str(r["entity"]): {key[y]: n for y, n in r[f"{by}s"].items()} for r in rows[:8]}
        write_text_atomic(plot, svg_chart(lines, periods, title=f"Papers per {by}",
                                          names=[name(p) for p in periods]))
    if fmt == "json":
        sys.stdout.write(json.dumps(rows[0] if entity and len(entity) == 1 else rows, ensure_ascii=False, indent=1)
                         + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["entity", "kind", by, "papers", "share"])
        for r in rows:
            for y, n in r[f"{by}s"].items():
                writer.writerow([safe_cell(r["entity"]), r["kind"], y, n, r["share"].get(y, "")])
        return
    what = ("Fading" if fading else "Emerging") + f" since {since}" if not entity and since else (
        "Fading" if fading else "Emerging" if not entity else f"{by.title()}s")
    table = Table("entity", "kind", "papers", "first", "peak", "bursts", *(["score"] if not entity else []), title=what)
    # one character per period, never wrapped: the columns around it give way first
    table.add_column(f"{name(periods[0])}–{name(periods[-1])}", no_wrap=True, min_width=len(periods))
    for r in rows:
        counts = {key[y]: n for y, n in r[f"{by}s"].items()}
        burst = ", ".join(f"{b['start']}–{b['end']}" if b["start"] != b["end"] else str(b["start"])
                          for b in r["bursts"])
        table.add_row(str(r["entity"]), str(r["kind"]), str(sum(counts.values())),
                      str(r[f"first_{by}"] or ""), str(r[f"peak_{by}"] or ""), burst,
                      *([f"{r['score']:+.2f}"] if not entity else []), sparkline(counts, periods).replace(" ", "·"))
    out.print(table)
    undated = len(kg.data.papers) - sum(totals.values())
    out.print(f"{sum(totals.values())} papers with a {by} ({name(periods[0])}–{name(periods[-1])}), "
              f"{undated} without", highlight=False)


@app.command()
def leaderboard(
    directory: Annotated[Path, typer.Argument(help="A build folder.")] = DEFAULT_DIR,
    dataset: Annotated[str, typer.Option(help="The dataset (any name, acronym or variant).")] = "",
    metric: Annotated[str | None, typer.Option(help="Only results in this metric.")] = None,
    method: Annotated[str | None, typer.Option(help="Only results of this method.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    limit: Annotated[int, typer.Option(help="How many rows (0 = all).", min=0)] = 50,
) -> None:
    """The results abstracts report on a dataset: method, metric, value, paper, year (a leaderboard)."""
    import csv
    import json

    from .api import load
    from .graph.relations import plain_value
    from .text.spreadsheet import safe_cell

    if fmt not in ("table", "csv", "json"):
        raise _fail(KGraphError(f"unknown --format {fmt!r}; choose table, csv or json"))
    if not dataset and metric is None and method is None:
        raise _fail(KGraphError("say which results: --dataset (and/or --metric, --method)"))
    try:
        kg = load(directory)
        rows = kg.results(dataset=dataset or None, metric=metric, method=method)[: limit or None]
    except KGraphError as exc:
        raise _fail(exc) from None
    records = [{"method": r.method, "metric": r.metric, "dataset": r.dataset, "value": r.value, "kind": r.kind,
                "paper": r.paper.id, "title": r.paper.title, "year": r.paper.year, "sentence": r.sentence}
               for r in rows]
    if fmt == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]) if records else ["method"])
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in record.items()} for record in records)
    else:
        table = Table(title=f"Results{' on ' + dataset if dataset else ''}")
        columns = (("method", 8, 24), ("metric", 8, 24), ("value", 6, 12), ("kind", 11, 11), ("dataset", 7, 20),
                   ("year", 4, 4))
        for name, least, most in columns:
            table.add_column(name, min_width=least, max_width=most)
        # a title on one line, cut to what the other columns leave: wrapped, one row took ten
        # lines of a terminal (a column that does not wrap does not shrink, hence the sum)
        rest = sum(least for _, least, _ in columns) + 3 * (len(columns) + 1) + 1
        table.add_column("paper", no_wrap=True, overflow="ellipsis", max_width=max(12, min(48, out.width - rest)))
        for r in rows:
            table.add_row(r.method or "?", r.metric or "?", plain_value(r.value), r.kind, r.dataset or "?",
                          str(r.paper.year or ""), r.paper.title)
        out.print(table)
        out.print(f"{len(records)} result(s)", highlight=False)


@app.command()
def relations(
    entity: Annotated[str, typer.Argument(help="An entity (any name, acronym or variant).")],
    directory: Annotated[Path, typer.Option("--graph", "-g", help="A build folder.")] = DEFAULT_DIR,
    type_: Annotated[str | None, typer.Option("--type", help="Only this relation: USED-FOR, EVALUATE-FOR, ...")] = None,
    evidence: Annotated[bool, typer.Option("--evidence", help="Print the sentences that state each relation.")] = False,
) -> None:
    """The typed relations an entity takes part in, with the number of papers that state each."""
    from .api import load

    try:
        kg = load(directory)
        found = kg.relations(entity, type=type_)
    except KGraphError as exc:
        raise _fail(exc) from None
    table = Table("subject", "relation", "object", "papers", "confidence")
    for r in found:
        table.add_row(r.subject.label, r.predicate, r.object.label, str(len(r.papers)), f"{r.confidence:.2f}")
    out.print(table)
    if evidence:
        for r in found:
            out.print(f"{r.subject.label} {r.predicate} {r.object.label}:", highlight=False)
            for sentence in r.sentences[:5]:
                out.print(f"  - {sentence}", highlight=False)
    out.print(f"{len(found)} relation(s)", highlight=False)


def _annotation_nlp(fast: bool, tier: str | None, model_only: bool) -> Language:
    from .extract.pipeline import build_pipeline

    return build_pipeline("fast" if fast else (tier or "accurate"), model_only=model_only)


def _text_records(path: Path) -> tuple[list[TextRecord], list[InputError]]:
    from .extract.annotate import read_text_records

    problems: list[InputError] = []
    records = read_text_records(path, problems)
    for problem in problems:
        _warn(problem)
    return records, problems


@app.command()
def annotate(
    source: Annotated[Path, typer.Argument(help="JSON Lines with at least 'id' and 'text' per line (SciERC schema).")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Where to write one {id, entities} line per input line.")],
    fast: Annotated[bool, typer.Option("--fast", help="Use the fast (CNN) tier.")] = False,
    tier: Annotated[str | None, typer.Option(help="accurate (default) or fast.")] = None,
    scheme: Annotated[str, typer.Option(
        help="Labels: scierc (Method, Task, Metric, Material, OtherScientificTerm, Generic), kgraph "
             "(Method, Dataset, Task, Metric, Concept, Generic) or model (as the extractors emit them).")] = "scierc",
    model_only: Annotated[bool, typer.Option(
        "--model-only", help="Only the trained model, without the gazetteer, acronym and rule components.")] = False,
) -> None:
    """Tag entities (character offsets) in each line's text, as `kgraph build` extracts them."""
    import json

    from .atomic import atomic_path
    from .extract.annotate import annotate as run_annotate
    from .extract.relate import relation_predictor

    _check_scheme(scheme)
    try:
        records, problems = _text_records(source)
        nlp = _annotation_nlp(fast, tier, model_only)
        model = relation_predictor(nlp.meta["kgraph_tier"])
        with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8") as handle:
            for record in run_annotate(records, nlp, scheme=scheme, relations=model):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    except KGraphError as exc:
        raise _fail(exc) from None
    out.print(f"annotated {len(records)} records ({len(problems)} skipped) -> {output}", highlight=False)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines in the SciERC schema (id, text, entities).")],
    fast: Annotated[bool, typer.Option("--fast", help="Evaluate the fast (CNN) tier.")] = False,
    tier: Annotated[str | None, typer.Option(help="accurate (default) or fast.")] = None,
    scheme: Annotated[str, typer.Option(help="Labels of the gold file: scierc, kgraph or model.")] = "scierc",
    model_only: Annotated[bool, typer.Option(
        "--model-only", help="Only the trained model, without the gazetteer, acronym and rule components.")] = False,
) -> None:
    """Strict and span-only P/R/F1 and per-label scores on the labels the gold file uses, with and without Generic.

    A gold set that annotates only some labels (TDMSci: Task, Dataset, Metric) is scored on
    those: predictions of other labels are neither right nor wrong there.
    """
    from .extract.annotate import annotate as run_annotate
    from .extract.relate import relation_predictor
    from .extract.scoring import format_relation_scores, format_scores, score, score_relations, spans_of

    _check_scheme(scheme)
    try:
        records, _ = _text_records(gold)
        nlp = _annotation_nlp(fast, tier, model_only)
        model = relation_predictor(nlp.meta["kgraph_tier"]) if any(r.relations for r in records) else None
        annotated = list(run_annotate(records, nlp, scheme=scheme, relations=model))
        predicted = spans_of(annotated)
    except KGraphError as exc:
        raise _fail(exc) from None
    gold_spans = {r.id: list(r.gold) for r in records}
    labels = {label for spans in gold_spans.values() for _, _, label in spans}
    what = "the model alone" if model_only else "the whole pipeline"
    out.print(f"{gold}: {len(records)} documents, extractor {nlp.meta['kgraph_tier']} ({what}), "
              f"{scheme} labels", highlight=False)
    title = f"the gold file's labels ({', '.join(sorted(labels))})"
    for line in format_scores(score(gold_spans, predicted, labels=labels), title):
        out.print(line, highlight=False)
    if "Generic" in labels:
        for line in format_scores(score(gold_spans, predicted, labels=labels - {"Generic"}), "without Generic"):
            out.print(line, highlight=False)
    if model is not None:
        gold_records = {r.id: {"entities": [{"start": s, "end": e, "label": lab} for s, e, lab in r.gold],
                               "relations": list(r.relations)} for r in records}
        # a Dataset is SciERC's Material (kgraph scheme); the shared scorer takes the same --map
        mapping = {"Dataset": "Material", "Concept": "OtherScientificTerm"} if scheme == "kgraph" else None
        scores = score_relations(gold_records, {str(a["id"]): a for a in annotated}, mapping)
        for line in format_relation_scores(scores):
            out.print(line, highlight=False)


def _check_scheme(scheme: str) -> None:
    from .extract.annotate import SCHEMES

    if scheme not in SCHEMES:
        raise typer.BadParameter(f"one of {', '.join(SCHEMES)}", param_hint="--scheme")


if __name__ == "__main__":  # pragma: no cover
    app()
