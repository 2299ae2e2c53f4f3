"""Fuzz every reader: crashes, hangs and lost valid records on mutated input files.

Each case is a small valid file of one format (``K`` synthetic papers, written here),
changed one way, then read with :func:`kgraph.readers.read_papers` (detection by
extension, deduplication, distinct ids) in a worker process under a time limit.

Three kinds of change, and what must come out:

* ``local``: one record's field is damaged (a random byte, a NUL, a BOM, a lone
  surrogate escape, a huge integer, a quote, a brace, a tag, a line break, a cut, a
  repeat). Every other record must come out.
* ``whole``: the file is re-encoded without loss (UTF-8 BOM, UTF-16, CRLF, CR-only line
  ends, gzip). Every record must come out.
* ``random``: byte flips, cuts, insertions and truncation anywhere (as
  ``tests/readers/test_fuzz.py`` does). Records that end before a truncation point must
  come out when nothing else was changed; otherwise only crashes and hangs count.

A crash is an exception escaping the reader, or a paper that breaks the contract
(no title or abstract, a lone surrogate or control character, an id used twice, a
problem that names no file). A hang is a case over ``--timeout`` seconds. A lost
record is an expected title that did not come out. The special cases of issue #19
run the same way, and two scale figures are measured in child processes: the peak
RSS of reading a 2 MB gzip bomb and the time to read a 60,000-entry Atom page.

Usage: python benchmarks/fuzz_readers.py [--cases 10000] [--seed 0] [--timeout 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kgraph.readers.openalex import inverted_index

K = 4
WORDS = ("graph neural sparse attention kernel diffusion contrastive latent robust adaptive temporal causal "
         "federated spectral implicit").split()


@dataclass(frozen=True)
class Record:
    title: str
    abstract: str
    year: int
    authors: tuple[str, ...]
    rid: str


def records(rng: random.Random) -> list[Record]:
    out = []
    for i in range(K):
        words = rng.sample(WORDS, 3)
        title = f"Fuzz paper {i} on {' '.join(words)} methods"
        abstract = (f"We study {words[0]} models for {words[1]} data in study {i}. Our method beats the baseline on "
                    f"two benchmarks by a wide margin. Code and data of study {i} are released.")
        out.append(Record(title, abstract, 2015 + i, (f"Ada Lovelace{i}", f"Alan Turing{i}"), f"id{i}"))
    return out


# -- writers: one valid file per format; the mutation region of a record is its abstract
# (its title for OpenAlex, whose abstract is an inverted index)

def w_jsonl(rs):
    return "".join(json.dumps({"id": r.rid, "title": r.title, "abstract": r.abstract, "year": r.year,
                               "authors": list(r.authors)}) + "\n" for r in rs)


def w_json(rs):
    return json.dumps([{"id": r.rid, "title": r.title, "abstract": r.abstract, "year": r.year,
                        "authors": list(r.authors), "extra": {"nested": [1, {"k": "v"}]}} for r in rs], indent=1)


def _openalex(r):
    return {"id": f"https://openalex.org/W{r.rid[2:]}0", "title": r.title, "publication_year": r.year,
            "abstract_inverted_index": inverted_index(r.abstract),
            "authorships": [{"author": {"display_name": a}} for a in r.authors],
            "primary_location": {"source": {"display_name": "Venue", "id": "S1"}}}


def w_openalex_jsonl(rs):
    return "".join(json.dumps(_openalex(r)) + "\n" for r in rs)


def w_openalex_page(rs):
    return json.dumps({"meta": {"count": len(rs)}, "results": [_openalex(r) for r in rs]})


def w_s2(rs):
    return "".join(json.dumps({"paperId": f"s2{r.rid}", "title": r.title, "abstract": r.abstract, "year": r.year,
                               "authors": [{"authorId": "1", "name": a} for a in r.authors],
                               "externalIds": {"CorpusId": 1}}) + "\n" for r in rs)


def w_arxiv(rs):
    return "".join(json.dumps({"id": f"2401.{i:05d}", "title": r.title, "abstract": r.abstract,
                               "authors": " and ".join(r.authors), "versions": [{"version": "v1",
                               "created": f"Mon, 1 Jan {r.year} 00:00:00 GMT"}], "update_date": f"{r.year}-01-01"})
                   + "\n" for i, r in enumerate(rs))


def w_atom(rs):
    entries = "".join(
        f"  <entry>\n    <id>http://arxiv.org/abs/2401.{i:05d}v1</id>\n    <title>{r.title}</title>\n"
        f"    <summary>{r.abstract}</summary>\n    <published>{r.year}-01-01T00:00:00Z</published>\n"
        + "".join(f"    <author><name>{a}</name></author>\n" for a in r.authors) + "  </entry>\n"
        for i, r in enumerate(rs))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom">\n  <title>query</title>\n' + entries + "</feed>\n")


def w_bibtex(rs):
    return "".join(f"@article{{{r.rid},\n  title = {{{r.title}}},\n  abstract = {{{r.abstract}}},\n"
                   f"  author = {{{' and '.join(r.authors)}}},\n  year = {{{r.year}}}\n}}\n\n" for r in rs)


def w_ris(rs):
    return "".join(f"TY  - JOUR\nTI  - {r.title}\nAB  - {r.abstract}\n" + "".join(f"AU  - {a}\n" for a in r.authors)
                   + f"PY  - {r.year}\nER  - \n\n" for r in rs)


def w_csv(rs, sep=","):
    def cell(v):
        return '"' + str(v).replace('"', '""') + '"'
    rows = [sep.join(cell(c) for c in ("Title", "Abstract", "Year", "Authors"))]
    rows += [sep.join(cell(c) for c in (r.title, r.abstract, r.year, "; ".join(r.authors))) for r in rs]
    return "\n".join(rows) + "\n"


def w_wos(rs):
    body = "".join(f"PT J\nAF {r.authors[0]}\n   {r.authors[1]}\nTI {r.title}\nAB {r.abstract}\nPY {r.year}\n"
                   f"UT WOS:{r.rid}\nER\n\n" for r in rs)
    return "FN Clarivate Analytics Web of Science\nVR 1.0\n" + body + "EF\n"


def w_seedpage(rs):
    return "Daily Papers\n\n" + "".join(f"{r.title}\n\n{r.abstract} " + "We add a third sentence. " * 6 + "\n\n"
                                        for r in rs)


FORMATS = {  # name -> (writer, file name, region: "abstract" or "title")
    "jsonl": (w_jsonl, "in.jsonl", "abstract"),
    "json": (w_json, "in.json", "abstract"),
    "openalex-jsonl": (w_openalex_jsonl, "in.jsonl", "title"),
    "openalex-page": (w_openalex_page, "in.json", "title"),
    "s2": (w_s2, "in.jsonl", "abstract"),
    "arxiv": (w_arxiv, "in.jsonl", "abstract"),
    "atom": (w_atom, "in.xml", "abstract"),
    "bibtex": (w_bibtex, "in.bib", "abstract"),
    "ris": (w_ris, "in.ris", "abstract"),
    "csv": (w_csv, "in.csv", "abstract"),
    "tsv": (lambda rs: w_csv(rs, "\t"), "in.tsv", "abstract"),
    "wos": (w_wos, "in.txt", "abstract"),
    "seedpage": (w_seedpage, "in.txt", "abstract"),
}

LOCAL_TOKENS = [b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xfe\xff", b"\\ud800", b"\xed\xa0\x80", b"9" * 5000, b'"', b"'",
                b"{", b"}", b"[", b"]", b"<", b">", b"&", b"<b>", b"</entry>", b"\\", b"\n", b"\r", b"\r\n", b"\t",
                b",", b";", b"@", b"%", b"$", b"ER  - ", b"\nER\n", b"\nTY  - ", b"\xe2\x80\xa8", b"[/x]",
                b"[bold red]FAKE[/bold red]", b"\x1b[31m"]
RANDOM_TOKENS = [*LOCAL_TOKENS, b"@article{", b"TY  - ", b"PT J\n", b"<entry>", b'"title": 5', b"null", b"\n\n"]


#: What no output (cache, RDF, GraphML) can hold: lone surrogates, C0 controls but tab and line ends.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Case:
    kind: str
    fmt: str
    name: str
    data: bytes
    expected: list[str]  # titles that must come out
    note: str = ""


def _region(data: bytes, record: Record, which: str) -> tuple[int, int]:
    text = (record.abstract if which == "abstract" else record.title).encode()
    if which == "abstract":
        text = text.split(b".")[0]  # the first sentence (unique to the record): the same bytes in every writer
    start = data.find(text)
    assert start >= 0, f"region of {record.title!r} not found"
    return start, start + len(text)


def local_case(rng: random.Random, fmt: str) -> Case:
    writer, name, which = FORMATS[fmt]
    rs = records(rng)
    data = bytearray(writer(rs).encode())
    victim = rng.randrange(K)
    start, end = _region(bytes(data), rs[victim], which)
    at = rng.randrange(start, end + 1)
    action = rng.choice(["flip", "insert", "insert", "cut", "dup"])
    if action == "flip":
        at = min(at, end - 1)
        data[at] = rng.randrange(256)
        note = f"flip@{at}"
    elif action == "insert":
        token = rng.choice(LOCAL_TOKENS)
        data[at:at] = token
        note = f"insert {token[:12]!r}@{at}"
    elif action == "cut":
        stop = rng.randrange(at, end + 1)
        del data[at:stop]
        note = f"cut {at}:{stop}"
    else:
        stop = rng.randrange(at, end + 1)
        data[stop:stop] = data[at:stop]
        note = f"dup {at}:{stop}"
    expected = [r.title for i, r in enumerate(rs) if i != victim]
    return Case("local", fmt, name, bytes(data), expected, note)


def whole_case(rng: random.Random, fmt: str) -> Case:
    writer, name, _ = FORMATS[fmt]
    rs = records(rng)
    text = writer(rs)
    how = rng.choice(["bom", "utf16", "utf16-le-bom", "crlf", "cr", "gzip"])
    if how == "bom":
        data = b"\xef\xbb\xbf" + text.encode()
    elif how == "utf16":
        data = text.encode("utf-16")
    elif how == "utf16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif how == "crlf":
        data = text.replace("\n", "\r\n").encode()
    elif how == "cr":
        data = text.replace("\n", "\r").encode()
    else:
        data, name = gzip.compress(text.encode()), name + ".gz"
    return Case("whole", fmt, name, data, [r.title for r in rs], how)


def random_case(rng: random.Random, fmt: str) -> Case:
    writer, name, _ = FORMATS[fmt]
    rs = records(rng)
    data = bytearray(writer(rs).encode())
    starts = [data.find(r.title.encode()) for r in rs]
    actions = [rng.choice(["flip", "cut", "insert", "dup", "truncate"]) for _ in range(rng.randint(1, 4))]
    only_truncation = actions == ["truncate"]
    notes = []
    for action in actions:
        at = rng.randrange(len(data) + 1)
        if action == "flip" and data:
            at = min(at, len(data) - 1)
            data[at] = rng.randrange(256)
        elif action == "cut":
            del data[at:at + rng.randint(1, 200)]
        elif action == "insert":
            data[at:at] = rng.choice(RANDOM_TOKENS) if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 20))
        elif action == "dup":
            data[at:at] = data[max(0, at - 300):at]
        else:
            del data[at:]
        notes.append(f"{action}@{at}")
    expected: list[str] = []
    if only_truncation:  # a record is whole when the next one's title starts before the cut
        cut = int(notes[0].split("@")[1])
        expected = [rs[i].title for i in range(K - 1) if starts[i + 1] < cut]
    return Case("random", fmt, name, bytes(data), expected, " ".join(notes))


def special_cases() -> list[Case]:
    """The inputs of issue #19, points 1, 2, 3, 6, 7, 8, 11."""
    rng = random.Random(19)
    rs = records(rng)
    good = [{"id": r.rid, "title": r.title, "abstract": r.abstract} for r in rs[:2]]
    titles = [r.title for r in rs[:2]]
    cases = [
        Case("special", "jsonl", "huge.jsonl", (json.dumps(good[0]) + '\n{"title": "x", "abstract": "y", "year": '
             + "9" * 5000 + "}\n" + json.dumps(good[1]) + "\n").encode(), titles, "#19.1 huge integer"),
        Case("special", "jsonl", "surrogate.jsonl", (json.dumps(good[0]) + '\n{"title": "Bad \\ud800", "abstract": '
             '"y z"}\n' + json.dumps(good[1]) + "\n").encode(), [*titles, "Bad \ufffd"], "#19.2 lone surrogate"),
        Case("special", "jsonl", "long.jsonl", (json.dumps(good[0]) + "\n" + json.dumps(
            {"title": "Long one", "abstract": "word " * 250_000}) + "\n" + json.dumps(good[1]) + "\n").encode(),
             [*titles, "Long one"], "#19.3 1.25M-character abstract"),
        Case("special", "jsonl", "markup.jsonl", (json.dumps({"title": "See [/x] for details", "abstract": "a b"})
             + "\n").encode(), ["See [/x] for details"], "#19.4 markup title"),
        Case("special", "bibtex", "utf8.bib", w_bibtex(rs[:3]).encode().replace(b"Fuzz paper 1", b"Fuzz \xffpaper 1"),
             [rs[0].title, rs[2].title], "#19.7 invalid UTF-8 byte in BibTeX"),
        Case("special", "jsonl", "nul.jsonl", w_jsonl(rs[:3]).encode().replace(b"Fuzz paper 1", b"Fuzz\x00paper 1"),
             [rs[0].title, rs[2].title], "#19.7 NUL in one JSONL record"),
        Case("special", "jsonl", "utf16.jsonl", w_jsonl(rs).encode("utf-16"), [r.title for r in rs],
             "#19.7 UTF-16 BOM"),
        Case("special", "openalex-page", "pages.jsonl", "".join(json.dumps({"meta": {}, "results": [_openalex(r)]})
             + "\n" for r in rs).encode(), [r.title for r in rs], "#19.7 OpenAlex page per JSONL line"),
        Case("special", "atom", "broken.xml", w_atom(rs).encode().replace(b"Fuzz paper 1", b"Fuzz <b>paper 1"),
             [r.title for i, r in enumerate(rs) if i != 1], "#19.6 one broken Atom entry"),
        Case("special", "jsonl", "reused.jsonl", "".join(json.dumps({"id": "paper722", "title": r.title,
             "abstract": r.abstract, "year": r.year}) + "\n" for r in rs).encode(), [r.title for r in rs],
             "#19.8 one id reused by 4 papers"),
        Case("special", "pdf", "paper.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 10, [], "#19.11 PDF"),
    ]
    for fmt, text in (("ris", w_ris(rs)), ("jsonl", w_jsonl(rs)), ("wos", w_wos(rs))):
        name = FORMATS[fmt][1]
        cases.append(Case("special", fmt, name, text.replace("\n", "\r").encode(), [r.title for r in rs],
                          f"#19.7 CR-only {fmt}"))
    return cases


# -- the worker: read one case, report what came out

def _check(case_data: tuple[str, bytes]) -> dict:
    from kgraph.readers import ReadReport, read_papers

    name, data = case_data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = ReadReport()
        try:
            papers = read_papers([path], report)
        except BaseException as exc:  # what the benchmark counts
            return {"crash": "".join(traceback.format_exception_only(type(exc), exc)).strip()[-300:]}
    bad = []
    for paper in papers:
        if not (paper.title.strip() and paper.abstract.strip() and paper.id):
            bad.append(f"empty field in {paper.id!r}")
        for value in (paper.title, paper.abstract, paper.id, *paper.authors, paper.venue or ""):
            if UNSAFE.search(value):
                bad.append(f"unsafe character in {paper.id!r}")
    if len({p.id for p in papers}) != len(papers):
        bad.append("an id used twice")
    if any(p.source != str(path) for p in report.problems):
        bad.append("a problem naming no file or another one")
    return {"titles": [p.title for p in papers], "bad": bad, "warnings": len(report.problems),
            "messages": [p.message[:200] for p in report.problems[:3]]}


def _serve(conn) -> None:
    while True:
        item = conn.recv()
        if item is None:
            return
        conn.send(_check(item))


class Worker:
    """One child process reading cases; killed and replaced when a case passes the time limit."""

    def __init__(self) -> None:
        self.context = mp.get_context("fork")
        self._start()

    def _start(self) -> None:
        self.parent, child = self.context.Pipe()
        self.process = self.context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()

    def run(self, case: Case, timeout: float) -> dict | None:
        self.parent.send((case.name, case.data))
        if self.parent.poll(timeout):
            try:
                return self.parent.recv()
            except EOFError:  # the worker died (a crash outside Python's exceptions)
                self.process.join()
                self._start()
                return {"crash": f"worker died (exit code {self.process.exitcode})"}
        self.process.kill()
        self.process.join()
        self._start()
        return None

    def close(self) -> None:
        self.parent.send(None)
        self.process.join(5)


def _key(title: str) -> str:
    return re.sub(r"\W+", "", title.casefold())


@dataclass
class Tally:
    cases: Counter = field(default_factory=Counter)
    crashes: list = field(default_factory=list)
    hangs: list = field(default_factory=list)
    lost: list = field(default_factory=list)
    expected: int = 0
    seconds: float = 0.0


def run_case(worker: Worker, case: Case, timeout: float, tally: Tally) -> dict | None:
    tally.cases[case.kind, case.fmt] += 1
    started = time.perf_counter()
    result = worker.run(case, timeout)
    tally.seconds = max(tally.seconds, time.perf_counter() - started)
    if result is None:
        tally.hangs.append(case)
        return None
    if "crash" in result or result["bad"]:
        tally.crashes.append((case, result.get("crash") or "; ".join(sorted(set(result["bad"])))))
        return result
    out = {_key(t) for t in result["titles"]}
    tally.expected += len(case.expected)
    missing = [t for t in case.expected if _key(t) not in out]
    if missing:
        tally.lost.append((case, missing, result["messages"]))
    return result


def _scale_figures() -> list[str]:
    """Peak RSS of reading a 2 MB gzip bomb, and the time to read a 60,000-entry Atom page."""
    bomb = Path(tempfile.mkdtemp()) / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:  # 2 GB of text, written 1 MB at a time
        handle.write(b'{"title": "t", "abstract": "a"}\n')
        for _ in range(2000):
            handle.write(b" " * 1_000_000)
    code_bomb = (
        "import resource, sys, pathlib\n"
        "from kgraph.readers import ReadReport, read_papers\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"r = ReadReport(); read_papers([pathlib.Path({str(bomb)!r})], r)\n"
        f"print({bomb.stat().st_size}, base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
        "r.problems[0].message[:90])\n"
    )
    code_atom = (
        "import sys, time, tempfile, pathlib\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from fuzz_readers import Record, w_atom\n"
        "from kgraph.readers import ReadReport, read_papers\n"
        "rs = [Record(f'Entry {i} title', f'We study problem {i}. It is solved.', 2020, ('A B',), f'id{i}')"
        " for i in range(60000)]\n"
        "p = pathlib.Path(tempfile.mkdtemp()) / 'big.xml'; p.write_text(w_atom(rs))\n"
        "t = time.perf_counter(); n = len(read_papers([p], ReadReport())); print(n, time.perf_counter() - t)\n"
    )
    lines = []
    out = subprocess.run([sys.executable, "-c", code_bomb], capture_output=True, text=True, timeout=600)
    bomb.unlink()
    if out.returncode == 0:
        size, base, rss, message = out.stdout.split(" ", 3)
        lines.append(f"gzip bomb: {int(size) / 1e6:.1f} MB compressed (2 GB of text): peak RSS "
                     f"{int(rss) / 1024:.0f} MiB ({int(base) / 1024:.0f} MiB after imports); warning: "
                     f"{message.strip()}")
    else:
        lines.append(f"gzip bomb: FAILED {out.stderr[-300:]}")
    out = subprocess.run([sys.executable, "-c", code_atom], capture_output=True, text=True, timeout=600)
    if out.returncode == 0:
        n, seconds = out.stdout.split()
        lines.append(f"atom: 60,000 entries read in {float(seconds):.1f} s ({n} papers)")
    else:
        lines.append(f"atom: FAILED {out.stderr[-300:]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="mutated inputs (special cases come on top)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds one input may take")
    parser.add_argument("--no-scale", action="store_true", help="skip the gzip-bomb RSS and 60k-entry Atom figures")
    parser.add_argument("--show", type=int, default=5, help="examples shown per failure kind")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    makers = [(local_case, 0.45), (whole_case, 0.15), (random_case, 0.40)]
    worker = Worker()
    tally = Tally()
    started = time.perf_counter()
    special = special_cases()
    special_results = [(case, run_case(worker, case, args.timeout, tally)) for case in special]
    for _ in range(args.cases):
        maker = rng.choices([m for m, _ in makers], [w for _, w in makers])[0]
        run_case(worker, maker(rng, rng.choice(sorted(FORMATS))), args.timeout, tally)
    worker.close()
    elapsed = time.perf_counter() - started

    total = sum(tally.cases.values())
    kinds = Counter()
    for (kind, _), n in tally.cases.items():
        kinds[kind] += n
    print(f"{total} inputs ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}) across {len(FORMATS)} "
          f"formats in {elapsed:.0f} s; slowest input {tally.seconds:.2f} s")
    print(f"crashes {len(tally.crashes)}, hangs {len(tally.hangs)} (>{args.timeout:g} s), lost valid records "
          f"{sum(len(m) for _, m, _ in tally.lost)} of {tally.expected} expected")
    for case, why in tally.crashes[:args.show]:
        print(f"  crash  {case.kind}/{case.fmt} {case.note}: {why}")
    for case in tally.hangs[:args.show]:
        print(f"  hang   {case.kind}/{case.fmt} {case.note}")
    for case, missing, messages in tally.lost[:args.show]:
        print(f"  lost   {case.kind}/{case.fmt} {case.note}: {missing[0][:50]!r} (+{len(missing) - 1}); {messages}")
    print("special cases (issue #19):")
    for case, result in special_results:
        if result is None:
            print(f"  {case.note}: HANG")
        elif "crash" in result:
            print(f"  {case.note}: CRASH {result['crash']}")
        else:
            got = {_key(t) for t in result["titles"]}
            missing = [t for t in case.expected if _key(t) not in got]
            first = result["messages"][0] if result["messages"] else "no warning"
            print(f"  {case.note}: {len(result['titles'])} papers, {len(missing)} lost, {result['warnings']} warnings"
                  f" ({first[:110]})")
    if not args.no_scale:
        for line in _scale_figures():
            print(line)
    return 1 if tally.crashes or tally.hangs or tally.lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
