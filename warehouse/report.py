"""A self-contained HTML dashboard: Vega-Lite charts (axes, legends, values on hover) and top
lists linked to each paper, in one file that fetches nothing.

The queries are ``sql/report/*.sql``; the chart specs ``report_charts``. The page checks its
own charts once drawn (axes, labels, legends, a tooltip on hover) and writes what it found on
``<body>``, so a browser test reads the result from the DOM.
"""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from warehouse import duck, report_charts

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import duckdb
    import polars as pl

    from warehouse.lake import Lake

HF_PAPER = "https://huggingface.co/papers/{}"
ARXIV_ABS = "https://arxiv.org/abs/{}"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _sql(name: str) -> str:
    return files("warehouse").joinpath("sql", "report", f"{name}.sql").read_text(encoding="utf-8")


def _frame(con: duckdb.DuckDBPyConnection, name: str, *params: object) -> pl.DataFrame:
    return con.execute(_sql(name), list(params)).pl()


def _links(paper_id: str) -> str:
    """HF and arXiv links of a paper with an arXiv id (title-keyed papers have neither)."""
    if paper_id.startswith("t:"):
        return ""
    return (
        f'<a href="{_e(HF_PAPER.format(paper_id))}">HF</a> · '
        f'<a href="{_e(ARXIV_ABS.format(paper_id))}">arXiv</a>'
    )


def _table(title: str, cols: list[str], rows: list[list[str]], empty: str = "none yet") -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
    if not rows:
        body = f'<tr><td colspan="{len(cols)}" class="empty">{_e(empty)}</td></tr>'
    return f"<h3>{_e(title)}</h3><table><tr>{head}</tr>{body}</table>"


# a chart: (name, title, how to build its spec from its rows)
CHARTS: tuple[tuple[str, str, Callable[[pl.DataFrame], dict[str, Any]]], ...] = (
    ("topic_trends", "Topic trends: share of each week's papers", report_charts.topic_trends),
    (
        "rising_terms",
        "Rising terms of the newest week: lift and support",
        report_charts.rising_terms,
    ),
    ("popularity", "Popularity: upvotes of the top papers, last 30 days", report_charts.popularity),
    ("coverage", "Coverage: each source's last 60 days", report_charts.coverage),
    ("run_health", "Run health: the last 30 runs", report_charts.run_health),
)

# after every chart is drawn: count what a reader needs, hover one mark, report on <body>
SELF_CHECK = """
(async () => {
  const specs = JSON.parse(document.getElementById('chart-specs').textContent);
  const found = {};
  for (const [name, spec] of Object.entries(specs)) {
    const el = document.getElementById('chart-' + name);
    await vegaEmbed(el, spec, {renderer: 'svg', actions: false});
    found[name] = {
      axes: el.querySelectorAll('.role-axis').length,
      axis_titles: Array.from(el.querySelectorAll('.role-axis-title text')).map(t => t.textContent),
      tick_labels: el.querySelectorAll('.role-axis-label text').length,
      legends: el.querySelectorAll('.role-legend').length,
      // where the tick labels are drawn, in page pixels: a screenshot can be checked there
      label_box: (() => {
        const boxes = Array.from(el.querySelectorAll('.role-axis-label')).map(g => g.getBoundingClientRect());
        if (!boxes.length) return null;
        const x = Math.min(...boxes.map(b => b.left)), y = Math.min(...boxes.map(b => b.top));
        return [x + window.scrollX, y + window.scrollY,
          Math.max(...boxes.map(b => b.right)) - x, Math.max(...boxes.map(b => b.bottom)) - y];
      })(),
    };
  }
  for (const name of Object.keys(specs)) {
    const el = document.getElementById('chart-' + name);
    // a point or a bar carries the values (a line's path is hovered only on its stroke)
    const mark = el.querySelector('.mark-symbol path, .mark-rect path') || el.querySelector('.role-mark path');
    if (!mark) { found[name].hover = ''; continue; }
    const box = mark.getBoundingClientRect();
    const at = {bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2};
    mark.dispatchEvent(new PointerEvent('pointermove', at));
    mark.dispatchEvent(new MouseEvent('mousemove', at));
    await new Promise(done => setTimeout(done, 60));
    const tip = document.getElementById('vg-tooltip-element');
    found[name].hover = tip && tip.classList.contains('visible') ? tip.textContent : '';
    mark.dispatchEvent(new PointerEvent('pointerout', at));
    mark.dispatchEvent(new MouseEvent('mouseout', at));
  }
  document.body.setAttribute('data-charts', String(Object.keys(specs).length));
  document.body.setAttribute('data-chart-checks', JSON.stringify(found));
})().catch(error => {
  document.body.setAttribute('data-chart-error', String(error));
  console.error(error);
});
"""


def _sections(con: duckdb.DuckDBPyConnection, last: object) -> tuple[str, dict[str, Any]]:
    """(the chart sections, their Vega-Lite specs by name)."""
    params: dict[str, tuple[object, ...]] = {"popularity": (last,), "coverage": (last,)}
    specs: dict[str, Any] = {}
    parts = []
    for name, title, build in CHARTS:
        rows = _frame(con, name, *params.get(name, ()))
        if rows.is_empty():
            body = '<p class="empty">no data yet</p>'
        else:
            specs[name] = build(rows)
            body = f'<div class="chart" id="chart-{name}" data-chart="{name}"></div>'
        parts.append(f"<section><h2>{_e(title)}</h2>{body}</section>")
    return "".join(parts), specs


def _tables(con: duckdb.DuckDBPyConnection, last: object) -> str:
    out = []
    for label, span in (("day", 1), ("week", 7), ("month", 30)):
        top = _frame(con, "top_papers", last, span)
        out.append(
            _table(
                f"Top papers of the last {label}",
                ["title", "upvotes", "days listed", "links"],
                [
                    [_e(r["title"]), _e(r["upvotes"]), _e(r["days_listed"]), _links(r["paper_id"])]
                    for r in top.iter_rows(named=True)
                ],
            )
        )
    rising = _frame(con, "rising_terms")
    out.append(
        _table(
            "Rising terms of the newest week",
            ["term", "lift", "papers", "share", "baseline share"],
            [
                [
                    _e(r["term"]),
                    f"{r['lift']:.2f}",
                    _e(r["papers"]),
                    f"{r['share']:.1%}",
                    f"{r['baseline_share']:.2%}",
                ]
                for r in rising.iter_rows(named=True)
            ],
            "no term rose (a week needs history before it, and a term 3 papers)",
        )
    )
    trended, without = con.execute(_sql("code_counts")).fetchone() or (0, 0)
    momentum = _frame(con, "code_momentum")
    out.append(
        _table(
            f"Code momentum: fastest-starred code ({without} of {trended} papers that trended "
            "never showed code)",
            ["title", "stars first seen", "stars now", "stars per day", "links"],
            [
                [
                    _e(r["title"]),
                    _e(r["stars_first"]),
                    _e(r["stars_latest"]),
                    _e(r["stars_per_day"]),
                    _links(r["paper_id"])
                    + (f' · <a href="{_e(r["github_repo"])}">code</a>' if r["github_repo"] else ""),
                ]
                for r in momentum.iter_rows(named=True)
            ],
        )
    )
    return "".join(out)


def build_report(lake: Lake, generated_at: datetime) -> str:
    if not lake.views_path.exists():
        raise FileNotFoundError(f"no warehouse at {lake.views_path}: run `paperdigest run` first")
    con = duck.connect(lake)
    try:
        papers, digests, entries, last = con.execute(_sql("totals")).fetchone() or (0, 0, 0, None)
        sections, specs = _sections(con, last)
        tables = _tables(con, last)
    finally:
        con.close()
    generated = generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # "</" inside a script would end it: JSON allows the escaped slash
    spec_json = json.dumps(specs, default=str).replace("</", "<\\/")
    script = report_charts.javascript_bundle(SELF_CHECK) if specs else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paperdigest report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }}
section {{ margin: 18px 0 28px; }} h2 {{ font-size: 16px; margin-bottom: 6px; }}
h3 {{ font-size: 14px; margin: 18px 0 4px; }}
table {{ border-collapse: collapse; font-size: 12px; margin-bottom: 12px; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
.empty {{ color: #666; }} .chart {{ min-height: 40px; }}
.kpi {{ display: inline-block; margin-right: 24px; font-size: 13px; }}
.kpi b {{ font-size: 20px; display: block; }}
</style></head>
<body{"" if specs else ' data-charts="0" data-chart-checks="{}"'}>
<h1>paperdigest</h1>
<p>Generated {generated} from {_e(lake.root)}; newest digest {_e(last)}.</p>
<div><span class="kpi"><b>{papers}</b>papers</span><span class="kpi"><b>{digests}</b>digests</span>
<span class="kpi"><b>{entries}</b>appearances</span></div>
{sections}
<section>{tables}</section>
<script type="application/json" id="chart-specs">{spec_json}</script>
<script>{script}</script>
</body></html>"""


def write_report(lake: Lake, generated_at: datetime, out: Path | None = None) -> Path:
    """The dashboard as one HTML file (default ``<lake>/report.html``), stamped
    ``generated_at``."""
    target = out or lake.root / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(build_report(lake, generated_at), encoding="utf-8")
    tmp.replace(target)
    return target
