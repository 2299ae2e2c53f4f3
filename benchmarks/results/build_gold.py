"""Turn the hand annotations (annotations.txt) into gold.jsonl with character offsets.

annotations.txt has one block per selected abstract, "#<row in selection.tsv>", then one
line per result: value[@n] | metric | dataset | method | a/i [| alt]. The value is
located in the abstract as its n-th standalone occurrence (default 1st); the script only
computes offsets and checks abstract[start:end] == value; every decision about what is a
result was made by a person reading the abstract. alt: "metric=A;B && dataset=C".

    python benchmarks/results/build_gold.py [-v] [--set dev2]   (-v prints each value in context)

--set dev2 reads selection_dev2.tsv / annotations_dev2.txt and writes gold_dev2.jsonl (the
second development set, drawn by select_dev2.py); without it, the first set.
"""
import importlib.util
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("result_gold_select", HERE / "select.py")
sel = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sel)

corpora = {sel.ARXIV: sel.load_arxiv(sel.CORPORA), sel.S2ORC: sel.load_s2orc(sel.CORPORA)}
suffix = ''
if '--set' in sys.argv:
    suffix = '_' + sys.argv[sys.argv.index('--set') + 1]
rows = [l.rstrip("\n").split("\t") for l in open(HERE / f"selection{suffix}.tsv", encoding="utf-8")][1:]
texts = [(s, i, st, corpora[s][i]) for s, i, st in rows]
blocks = {}
cur = None
for line in open(HERE / f'annotations{suffix}.txt', encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip(): continue
    if line.startswith('#'):
        cur = int(line[1:]); assert cur not in blocks, cur; blocks[cur] = []; continue
    blocks[cur].append(line)
assert sorted(blocks) == list(range(len(texts))), set(range(len(texts))) ^ set(blocks)

def occurrences(t, v):
    out = []
    for m in re.finditer(re.escape(v), t):
        s, e = m.span()
        p = t[s-1] if s > 0 else ' '
        pp = t[s-2] if s > 1 else ' '
        if v[0].isdigit() and (p.isalnum() or p == '.' or (p in ',.' and pp.isdigit())): continue
        n = t[e] if e < len(t) else ' '
        nn = t[e+1] if e + 1 < len(t) else ' '
        if v[-1].isdigit() and (n.isdigit() or (n in '.,' and nn.isdigit())): continue
        out.append((s, e))
    return out

gold = []
show = '-v' in sys.argv
for k, (src, rid, st, t) in enumerate(texts):
    res = []
    for line in blocks[k]:
        f = [x.strip() for x in line.split('|')]
        assert len(f) in (5, 6), line
        v = f[0]; occ = 1
        if '@' in v and not v.startswith('@'):
            v, o = v.rsplit('@', 1)
            if o.isdigit(): occ = int(o)
            else: v = f[0]
        occs = occurrences(t, v)
        if not occs:
            occs = [m.span() for m in re.finditer(re.escape(v), t)]
            print(f'WARN #{k} {v!r} no standalone occurrence, raw {len(occs)}', file=sys.stderr)
        assert occs, (k, v)
        if len(occs) > 1 and '@' not in f[0]:
            print(f'WARN #{k} {v!r} occurs {len(occs)}x, took first', file=sys.stderr)
        s, e = occs[occ-1]
        assert t[s:e] == v
        kind = {'a': 'absolute', 'i': 'improvement'}[f[4]]
        r = {"value": v, "start": s, "end": e, "metric": f[1], "dataset": f[2], "method": f[3], "kind": kind}
        if len(f) == 6 and f[5]:
            alt = {}
            for part in f[5].split('&&'):
                key, vals = part.strip().split('=', 1)
                assert key in ('metric', 'dataset', 'method'), part
                alt[key] = [x.strip() for x in vals.split(';')]
            r["alt"] = alt
        res.append(r)
        if show:
            print(f'#{k} {v!r:14} ...{t[max(0,s-60):s]!r}[[{v}]]{t[e:e+40]!r}  -> {f[1]} / {f[2]} / {f[3]} / {kind}')
    res.sort(key=lambda r: r['start'])
    gold.append({"source": src, "id": rid, "results": res})
with open(HERE / f'gold{suffix}.jsonl', 'w', encoding='utf-8') as fh:
    for g in gold:
        fh.write(json.dumps(g, ensure_ascii=False) + '\n')
print(len(gold), sum(len(g['results']) for g in gold), file=sys.stderr)
