from __future__ import annotations

import pytest

from kgraph.text.markup import decode_latex, drop_latex_markup, strip_markup


@pytest.mark.parametrize("raw, expected", [
    ("<jats:sec><jats:title>Abstract</jats:title><jats:p>First.</jats:p><jats:p>Second.</jats:p></jats:sec>", "First. Second."),
    ("<p>H<sub>2</sub>O &lt; CO<sub>2</sub>&nbsp;rises</p>", "H2O < CO2 rises"),
    ("Abstract: We show.", "We show."),
    ("Abstract interpretation is old.", "Abstract interpretation is old."),
    ("x" * 100_000, "x" * 100_000),
])
def test_strip_markup(raw, expected):
    assert strip_markup(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (r"Erd\H{o}s and Ka{\v{c}}", "Erdős and Kač"), (r"\'{E}cole \`a {\ss}", "École à ß"), (r"Stra\ss e, \o{}", "Straße, ø"),
    (r"{\it Italic} and \textbf{bold}", "Italic and bold"), (r"5\% of \$3 in $x_{1}$", "5% of $3 in $x_{1}$"),
    (r"pages 1--2, A~B", "pages 1–2, A B"),
])
def test_decode_latex(raw, expected):
    assert decode_latex(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    (r"{\bf bold} $x^2$ and~more", "bold x^2 and more"),
    (r"\textit{name}", "name"),
    ("no markup at all", "no markup at all"),
])
def test_drop_latex_markup_keeps_words(raw, expected):
    assert drop_latex_markup(raw) == expected


def test_words_broken_at_a_line_end_are_mended_before_extraction(tmp_path):
    import json

    from kgraph.readers import read_papers
    from kgraph.text.markup import repair_hyphenation

    assert repair_hyphenation("fine- tuning improves ac- curacy") == "fine-tuning improves accuracy"
    assert repair_hyphenation("pre- and post-training") == "pre- and post-training"
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": "On fine- tuning", "abstract": "Its ac- curacy rises."}) + "\n")
    (paper,) = read_papers([path])
    assert (paper.title, paper.abstract) == ("On fine-tuning", "Its accuracy rises.")
