// The query page of `kgraph serve` (kgraph/serve/page.py). Everything from the store or
// the user reaches the DOM through textContent / properties, never innerHTML: a literal
// such as "<img src=x onerror=…>" is shown as those characters.
"use strict";

(function () {
  // SELECT/ASK as SPARQL JSON, CONSTRUCT/DESCRIBE as N-Triples (one triple a line)
  const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
  const STARTER = "SELECT ?label ?papers WHERE {\n  ?e a kg:Method ; skos:prefLabel ?label ; kg:paperCount ?papers .\n}\n" +
    "ORDER BY DESC(?papers) ?label\nLIMIT 20\n";
  // a cell starting with one of these is a formula to a spreadsheet (CSV injection)
  const FORMULA = /^[=+\-@\t\r]/;

  const $ = (id) => document.getElementById(id);
  let prefixes = {};
  let queries = {};
  let lastSelect = null; // the SPARQL JSON of the last SELECT, for the CSV download
  let runs = 0; // a newer run's answer wins over an older one still on its way
  let fills = 0; // likewise for the canned query's text: the last form values asked for win

  const editor = CodeMirror.fromTextArea($("editor"), {
    mode: "application/sparql-query", lineNumbers: true, indentUnit: 2, viewportMargin: Infinity,
  });

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // a run in flight owns the status line: a canned fill leaves it alone
  const running = () => $("status").dataset.state === "running";

  function setStatus(state, message, rows) {
    const status = $("status");
    status.dataset.state = state;
    if (rows === undefined) delete status.dataset.rows; else status.dataset.rows = String(rows);
    status.textContent = message;
  }

  // PREFIX lines for the predeclared prefixes a query uses, so the editor's text also runs elsewhere
  function withPrefixes(sparql) {
    const lines = Object.keys(prefixes)
      .filter((p) => new RegExp("(^|[^\\w:?$<])" + p + ":").test(sparql) && !new RegExp("PREFIX\\s+" + p + ":", "i").test(sparql))
      .map((p) => `PREFIX ${p}: <${prefixes[p]}>\n`);
    return lines.join("") + (lines.length ? "\n" : "") + sparql;
  }

  function compact(iri) {
    let best = null;
    for (const [p, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns) && (!best || ns.length > prefixes[best].length)) best = p;
    }
    return best ? `${best}:${iri.slice(prefixes[best].length)}` : iri;
  }

  function termCell(term) {
    const td = el("td");
    if (!term) return td;
    td.className = term.type;
    if (term.type === "uri") {
      td.title = term.value;
      if (/^https?:\/\//i.test(term.value)) { // never a javascript: or data: link
        const a = el("a", compact(term.value));
        a.href = term.value;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        td.append(a);
      } else {
        td.textContent = compact(term.value);
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = compact(term.datatype);
    }
    return td;
  }

  function termText(term) {
    if (!term) return "";
    return term.type === "bnode" ? "_:" + term.value : term.value;
  }

  function showTable(results, ms) {
    const vars = results.head.vars;
    const rows = results.results.bindings;
    const table = el("table");
    const head = table.createTHead().insertRow();
    for (const v of vars) head.append(el("th", "?" + v));
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const v of vars) tr.append(termCell(row[v]));
    }
    $("results").replaceChildren(table);
    lastSelect = results;
    $("csv").disabled = false;
    setStatus("done", `${rows.length} ${rows.length === 1 ? "row" : "rows"} in ${ms} ms`, rows.length);
  }

  function showError(message, ms) {
    $("results").replaceChildren(el("pre", message, "error"));
    setStatus("error", `failed after ${ms} ms`);
  }

  async function run() {
    const mine = ++runs;
    lastSelect = null;
    $("csv").disabled = true;
    setStatus("running", "running…");
    const started = performance.now();
    let response, body;
    try {
      response = await fetch("/sparql", {
        method: "POST", body: new URLSearchParams({ query: editor.getValue() }),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: ACCEPT },
      });
      body = await response.text();
    } catch (err) {
      if (mine === runs) showError(`the endpoint could not be reached: ${err.message}`, Math.round(performance.now() - started));
      return;
    }
    if (mine !== runs) return;
    const ms = Math.round(performance.now() - started);
    if (!response.ok) { // the endpoint's own one-line reason: syntax error, time limit, too large, …
      showError(`HTTP ${response.status} ${response.statusText}\n${body.trim()}`, ms);
      return;
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    if (type === "application/sparql-results+json") {
      const results = JSON.parse(body);
      if ("boolean" in results) {
        const p = el("p", "ASK: ", "boolean");
        p.append(el("strong", String(results.boolean)));
        $("results").replaceChildren(p);
        setStatus("done", `${results.boolean ? "yes" : "no"} in ${ms} ms`, 1);
      } else {
        showTable(results, ms);
      }
    } else {
      const triples = body.split("\n").filter((line) => line.trim()).length;
      $("results").replaceChildren(el("pre", body, "triples"));
      setStatus("done", `${triples} ${triples === 1 ? "triple" : "triples"} in ${ms} ms`, triples);
    }
  }

  // RFC 4180: CRLF records, fields with a quote, comma or line break quoted, quotes doubled
  function csvField(value) {
    const safe = FORMULA.test(value) ? "'" + value : value;
    return /[",\r\n]/.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
  }

  function downloadCsv() {
    if (!lastSelect) return;
    const vars = lastSelect.head.vars;
    const lines = [vars.map(csvField).join(",")];
    for (const row of lastSelect.results.bindings) lines.push(vars.map((v) => csvField(termText(row[v]))).join(","));
    const url = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }));
    const a = el("a");
    a.href = url;
    a.download = "kgraph-query.csv";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function paramValues() {
    const values = {};
    for (const input of $("params").querySelectorAll("input")) values[input.name] = input.value;
    return values;
  }

  // the query's text with the form's values bound by the server (the same binding as `kgraph query`)
  async function fillCanned() {
    const query = queries[$("canned").value];
    if (!query) return;
    const mine = ++fills;
    const url = `/query/canned/${encodeURIComponent(query.name)}?${new URLSearchParams(paramValues())}`;
    const response = await fetch(url);
    const body = await response.text();
    // picking a query then editing its form sends two requests: an older answer arriving
    // last must not put back the older text
    if (mine !== fills) return;
    if (response.ok) {
      // the same text again (a form field losing focus to the Run button sends "change"
      // once more) leaves the editor and the status of the run it started alone
      const text = withPrefixes(body);
      if (editor.getValue() === text) return;
      editor.setValue(text);
      if (!running()) setStatus("idle", "");
    } else { // a parameter without a value: show the query as written, and say what it needs
      editor.setValue(withPrefixes(query.text));
      if (!running()) setStatus("error", body.trim());
    }
  }

  function pickCanned() {
    const query = queries[$("canned").value];
    const form = $("params");
    form.replaceChildren();
    form.hidden = !query || !query.params.length;
    $("canned-title").textContent = query ? query.title : "";
    if (!query) return;
    for (const param of query.params) {
      const label = el("label", param.name + " ");
      const input = el("input");
      input.name = param.name;
      input.value = param.default;
      input.placeholder = param.description;
      input.title = param.description;
      label.append(input, el("small", " " + param.description));
      form.append(label);
    }
    fillCanned();
  }

  async function load() {
    const response = await fetch("/query/queries.json");
    if (!response.ok) {
      setStatus("error", `the canned queries could not be loaded (HTTP ${response.status})`);
      return;
    }
    const data = await response.json();
    prefixes = data.prefixes;
    for (const [p, iri] of Object.entries(prefixes)) {
      const li = el("li");
      li.append(el("code", p + ":"), " ", el("span", iri));
      $("prefixes").append(li);
    }
    for (const query of data.queries) {
      queries[query.name] = query;
      const option = el("option", `${query.name} — ${query.title}`);
      option.value = query.name;
      $("canned").append(option);
    }
    if (!editor.getValue().trim()) editor.setValue(withPrefixes(STARTER));
    document.body.dataset.ready = "true";
  }

  $("run").addEventListener("click", run);
  $("csv").addEventListener("click", downloadCsv);
  $("canned").addEventListener("change", pickCanned);
  $("params").addEventListener("change", fillCanned);
  $("params").addEventListener("submit", (event) => { event.preventDefault(); fillCanned(); });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      run();
    }
  });
  load();
})();
