"""End-to-end scale benchmark: real arXiv CS abstracts, 50k and replicated to 100k/200k.

Builds from ``../shared/data/corpora/arxiv_cs_50k.jsonl.gz`` (50,000 real abstracts). For
sizes above 50k the corpus is replicated: copy ``k`` of each record gets a fresh id,
``(copy k)`` appended to its title and no DOI/arXiv id or link, so deduplication keeps every
copy — the text the extractor sees is the same, which is fine for timing but says
nothing new about quality. For each size the script runs the full build (read, extract,
resolve, link, communities, RDF + store + GraphML, HTML) in a fresh process and reports
per-stage wall time, abstracts/s, the CPU seconds the build used (its own and its
children's, user + system) and their share of its wall time, and the peak RSS of the
build (and of its worker processes), plus a cached rebuild with ``--add`` new papers
when asked.

Next to each size it times the *tokenizer floor*: spaCy's tokenizer alone
(``spacy.blank("en").tokenizer.pipe``, one core) over the same titles and abstracts,
in the same run, so a build's time can be read as a multiple of it on whatever load
the machine had then.

``--skip store trig graphml html`` and ``--no-relations`` measure the lean build a corpus
past one machine's store would use (``kgraph build --skip ... --no-relations``).

Usage::

    python benchmarks/scale.py --sizes 50000 100000 200000 --tier fast [--processes auto]
    python benchmarks/scale.py --sizes 5000 --tier rules --add 100     # quick check

Expect tens of minutes per 100k with the fast tier on two cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpora" / "arxiv_cs_50k.jsonl.gz"


def write_corpus(source: Path, n: int, out: Path, *, skip: int = 0) -> Path:
    """``n`` records (after the first ``skip``) as JSONL, replicating the corpus as needed."""
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    with out.open("w", encoding="utf-8") as handle:
        for i in range(skip, skip + n):
            record = dict(records[i % len(records)])
            copy = i // len(records)
            if copy:
                record["id"] = f"{record.get('id', i)}-copy{copy}"
                record["title"] = f"{record.get('title', '')} (copy {copy})"
                # every field that names the arXiv paper, or the copy merges into the original
                for key in ("doi", "arxiv_id", "url", "abs", "pdf"):
                    record.pop(key, None)
            handle.write(json.dumps(record) + "\n")
    return out


def run_build(inputs: list[Path], out: Path, tier: str, processes: str, cache: bool, provenance: str = "full",
              skip: tuple[str, ...] = (), relations: bool = True) -> dict:
    """One build in this process; returns stage timings, totals and peak RSS (MB)."""
    import kgraph
    from kgraph.builder import BuildOptions, BuildSummary, build_data
    from kgraph.export.outputs import save_build

    summary = BuildSummary()
    start = time.perf_counter()
    options = BuildOptions(tier=tier, processes=processes if processes == "auto" else int(processes),
                           relations=relations)
    out.mkdir(parents=True, exist_ok=True)
    cache_path = out / "cache.sqlite" if cache else None
    data = build_data(inputs, options, summary=summary, cache_path=cache_path)
    # the peak so far: whether the output stage raises it
    before_outputs_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    options: dict = {"provenance": provenance} if provenance != "full" else {}  # older kgraphs lack the options
    if skip:
        options["skip"] = list(skip)
    save_build(data, out, timings=summary.timings, cache_path=cache_path, store_changes=summary.store, **options)
    total = time.perf_counter() - start
    cpu = _cpu_seconds()
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"papers": len(data.papers), "entities": len(data.entities), "links": len(data.links),
            "stages": summary.timings, "total": total, "cpu_s": cpu, "peak_rss_mb": round(self_rss),
            "peak_rss_before_outputs_mb": round(before_outputs_rss),
            "worker_peak_rss_mb": round(child_rss), "cache": summary.cache, "store": summary.store,
            "kgraph": str(Path(kgraph.__file__).parent)}


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its waited-for children (workers, the views process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tokenizer_floor(corpus: Path) -> tuple[float, float]:
    """Seconds and CPU share of spaCy's tokenizer alone over the titles and abstracts a build of ``corpus`` reads."""
    import spacy

    from kgraph.readers import read_papers

    papers = read_papers([corpus])
    texts = [text for paper in papers for text in (paper.title, paper.abstract) if text]
    tokenizer = spacy.blank("en").tokenizer
    cpu, start = _cpu_seconds(), time.perf_counter()
    for _doc in tokenizer.pipe(texts):
        pass
    wall = time.perf_counter() - start
    return wall, (_cpu_seconds() - cpu) / wall


def output_sizes(out: Path) -> str:
    """Size of each output of a build folder (the store counted as one)."""
    sizes = []
    for path in sorted(out.iterdir()):
        files = path.rglob("*") if path.is_dir() else [path]
        total = sum(f.stat().st_size for f in files if f.is_file())
        sizes.append(f"{path.name} {total / 1e9:.2f} GB")
    return ", ".join(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    parser.add_argument("--tier", default="fast")
    parser.add_argument("--processes", default="auto")
    parser.add_argument("--add", type=int, default=0, help="then rebuild with this many new papers (cache reuse)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", action="store_true", help="keep the build folders (e.g. to query the updated store)")
    parser.add_argument("--rdf-provenance", default="full", help="what graph.ttl keeps: full or entities")
    parser.add_argument("--cache-from", type=Path, metavar="BUILD",
                        help="start each build with a copy of this build folder's cache.sqlite: its mentions and "
                             "relations are reused, everything after them (result statements included) runs as in "
                             "a first build (the output stage measured without waiting for extraction)")
    parser.add_argument("--skip", nargs="*", default=[], metavar="OUTPUT",
                        help="outputs to leave out, as kgraph build --skip: store trig graphml html")
    parser.add_argument("--no-relations", action="store_true", help="no typed relations (kgraph build --no-relations)")
    parser.add_argument("--floor", type=float, metavar="SECONDS",
                        help="a tokenizer floor measured before on the same corpus (its CPU share taken as 1.00): "
                             "saves re-measuring it (5 minutes at 10^6 abstracts)")
    parser.add_argument("--floor-of", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one", nargs=6, metavar=("INPUTS", "OUT", "TIER", "PROCESSES", "PROVENANCE", "OPTIONS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_of:  # child mode: the floor, in a process of its own so its memory goes with it
        print(json.dumps(tokenizer_floor(args.floor_of)))
        return
    if args.one:  # child mode: one build, JSON on stdout
        inputs, out, tier, processes, provenance, extra = args.one
        more = json.loads(extra)
        print(json.dumps(run_build([Path(p) for p in inputs.split(",")], Path(out), tier, processes, cache=True,
                                   provenance=provenance, skip=tuple(more["skip"]), relations=more["relations"])))
        return
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus} not found (the shared corpora live next to the repository)")
    work = Path(tempfile.mkdtemp(prefix="kgraph-scale-"))
    print(f"tier {args.tier}, processes {args.processes}, RDF provenance {args.rdf_provenance}, work folder {work}"
          + (f", outputs left out: {' '.join(args.skip)}" if args.skip else "")
          + (", no relations" if args.no_relations else "")
          + (f", extraction reused from {args.cache_from}" if args.cache_from else ""))
    for n in args.sizes:
        corpus = write_corpus(args.corpus, n, work / f"corpus_{n}.jsonl")
        out = work / f"build_{n}"
        if args.cache_from:
            out.mkdir()
            shutil.copy(args.cache_from / "cache.sqlite", out / "cache.sqlite")
            with sqlite3.connect(out / "cache.sqlite") as copy:  # found afresh, as in a first build
                copy.execute("DROP TABLE IF EXISTS results")
        if args.floor:
            floor, floor_share = args.floor, 1.0
        else:
            measured = subprocess.run([sys.executable, __file__, "--floor-of", str(corpus)], capture_output=True,
                                      text=True, check=True)
            floor, floor_share = json.loads(measured.stdout.strip().splitlines()[-1])
        print(f"\n{n:,} abstracts: tokenizer floor {floor:.1f} s (CPU share {floor_share:.2f})")
        runs = [("first build", [corpus])]
        if args.add:
            extra = write_corpus(args.corpus, args.add, work / f"extra_{n}.jsonl", skip=n)
            runs.append((f"+{args.add} papers", [corpus, extra]))
        for label, inputs in runs:
            # a fresh process per build: peak RSS is the build's own
            cmd = [sys.executable, __file__, "--one", ",".join(map(str, inputs)), str(out), args.tier, args.processes,
                   args.rdf_provenance, json.dumps({"skip": args.skip, "relations": not args.no_relations})]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                print(done.stderr[-3000:])
                sys.exit(f"build of {n} failed")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            stages = ", ".join(f"{k} {v:.1f}s" for k, v in result["stages"].items())
            total = result["total"]
            print(f"\n{n:,} abstracts, {label}: {total:.1f} s total ({total / floor:.0f}x the tokenizer floor), "
                  f"{result['papers'] / total:.1f} abstracts/s end to end; CPU {result['cpu_s']:.0f} s "
                  f"(share {result['cpu_s'] / total:.2f}); peak RSS {result['peak_rss_mb']} MB "
                  f"({result.get('peak_rss_before_outputs_mb', '?')} MB before the outputs) "
                  f"(workers and views {result['worker_peak_rss_mb']} MB)")
            print(f"  {result['papers']:,} papers, {result['entities']:,} entities, {result['links']:,} links; "
                  f"cache {result['cache']}"
                  + (f"; store updated in place {result['store']}" if result["store"] else ""))
            print(f"  kgraph from {result['kgraph']}")
            print(f"  stages: {stages}")
            outputs = result["stages"].get("outputs")
            if outputs:
                print(f"  output stage: {outputs / total:.0%} of the build")
            extract = result["stages"].get("extract")
            if extract:
                print(f"  extraction: {result['papers'] / extract:.1f} abstracts/s")
            print(f"  sizes: {output_sizes(out)}")
        if args.keep:
            print(f"  kept {out}")
        else:
            shutil.rmtree(out, ignore_errors=True)
        for path in (corpus, work / f"extra_{n}.jsonl"):
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
