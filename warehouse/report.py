"""A self-contained HTML dashboard (inline SVG charts, no network, no external assets)."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from warehouse import duck

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb

    from warehouse.lake import Lake

PALETTE = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5"]
W, H, PAD = 720, 260, 40


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


@dataclass
class Chart:
    name: str
    title: str
    svg: str
    note: str = ""


def _empty(name: str, title: str, why: str) -> Chart:
    svg = (
        f'<svg class="chart" data-chart="{name}" viewBox="0 0 {W} 60" width="{W}" height="60" role="img">'
        f'<rect x="0" y="0" width="{W}" height="60" fill="#f6f6f6"/>'
        f'<text x="{W / 2}" y="35" text-anchor="middle" fill="#666">{_e(why)}</text></svg>'
    )
    return Chart(name, title, svg)


def line_chart(
    name: str,
    title: str,
    x_labels: list[str],
    series: dict[str, list[float | None]],
    y_label: str = "",
) -> Chart:
    if not x_labels or not series:
        return _empty(name, title, "no data yet")
    ymax = max((v for vals in series.values() for v in vals if v is not None), default=0) or 1
    n = len(x_labels)

    def x(i: int) -> float:
        return PAD + (W - 2 * PAD) * (i / max(n - 1, 1))

    def y(v: float) -> float:
        return H - PAD - (H - 2 * PAD) * (v / ymax)

    parts = [
        f'<svg class="chart" data-chart="{name}" viewBox="0 0 {W + 180} {H}" width="{W + 180}" height="{H}" role="img">',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}" stroke="#999"/>',
        f'<text x="{PAD - 4}" y="{PAD}" text-anchor="end" font-size="10">{ymax:g}</text>',
        f'<text x="{PAD - 4}" y="{H - PAD}" text-anchor="end" font-size="10">0</text>',
        f'<text x="{PAD}" y="{H - 8}" font-size="10">{_e(x_labels[0])}</text>',
        f'<text x="{W - PAD}" y="{H - 8}" text-anchor="end" font-size="10">{_e(x_labels[-1])}</text>',
        f'<text x="{PAD}" y="{PAD - 10}" font-size="10" fill="#555">{_e(y_label)}</text>',
    ]
    for k, (label, vals) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        pts = [(x(i), y(v)) for i, v in enumerate(vals) if v is not None]
        if len(pts) == 1:
            parts.append(
                f'<circle cx="{pts[0][0]:.1f}" cy="{pts[0][1]:.1f}" r="3" fill="{color}"><title>{_e(label)}</title></circle>'
            )
        elif pts:
            d = " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{d}"><title>{_e(label)}</title></polyline>'
            )
        parts.append(
            f'<rect x="{W}" y="{PAD + 16 * k - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{W + 14}" y="{PAD + 16 * k}" font-size="11">{_e(label[:26])}</text>'
        )
    parts.append("</svg>")
    return Chart(name, title, "".join(parts))


def bar_chart(
    name: str,
    title: str,
    labels: list[str],
    values: list[float],
    colors: list[str] | None = None,
    fmt: str = "{:g}",
) -> Chart:
    if not labels:
        return _empty(name, title, "no data yet")
    vmax = max(values) or 1
    row = 18
    height = PAD + row * len(labels)
    parts = [
        f'<svg class="chart" data-chart="{name}" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img">'
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        width = max(1.0, (W - 260) * v / vmax)
        color = colors[i] if colors else PALETTE[0]
        yy = 10 + i * row
        parts.append(
            f'<text x="200" y="{yy + 12}" text-anchor="end" font-size="11">{_e(label[:34])}</text>'
            f'<rect x="206" y="{yy}" width="{width:.1f}" height="{row - 4}" fill="{color}">'
            f"<title>{_e(label)}: {fmt.format(v)}</title></rect>"
            f'<text x="{210 + width:.1f}" y="{yy + 12}" font-size="10">{fmt.format(v)}</text>'
        )
    parts.append("</svg>")
    return Chart(name, title, "".join(parts))


def coverage_chart(
    rows: list[tuple[str, date, bool, int, bool]], last: date, days: int = 60
) -> Chart:
    if not rows:
        return _empty("coverage", "Coverage", "no data yet")
    sources = sorted({r[0] for r in rows})
    start = last - timedelta(days=days - 1)
    cell = (W - 200) / days
    by = {(r[0], r[1]): r for r in rows}
    height = 30 + 20 * len(sources)
    parts = [
        f'<svg class="chart" data-chart="coverage" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img">'
    ]
    for i, src in enumerate(sources):
        yy = 10 + i * 20
        parts.append(
            f'<text x="190" y="{yy + 12}" text-anchor="end" font-size="11">{_e(src)}</text>'
        )
        for d in range(days):
            day = start + timedelta(days=d)
            r = by.get((src, day))
            if r is None:
                continue
            color = "#d62728" if r[4] else ("#3ca951" if r[3] else "#dddddd")
            state = "gap" if r[4] else (f"{r[3]} landed" if r[3] else "not expected")
            parts.append(
                f'<rect x="{196 + d * cell:.1f}" y="{yy}" width="{max(cell - 1, 1):.1f}" height="14" '
                f'fill="{color}"><title>{_e(src)} {day}: {state}</title></rect>'
            )
    parts.append(
        f'<text x="196" y="{height - 4}" font-size="10">{start}</text>'
        f'<text x="{W - 4}" y="{height - 4}" text-anchor="end" font-size="10">{last}</text></svg>'
    )
    return Chart(
        "coverage",
        "Coverage (last 60 days: green landed, red gap, grey not expected)",
        "".join(parts),
    )


def _table(title: str, cols: list[str], rows: list[tuple[Any, ...]]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<h3>{_e(title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def _q(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()


def build_report(lake: Lake, generated_at: datetime) -> str:
    if not lake.views_path.exists():
        raise FileNotFoundError(f"no warehouse at {lake.views_path}: run `paperdigest run` first")
    con = duck.connect(lake)
    try:
        last = _q(con, "SELECT max(digest_date) FROM digests")[0][0]
        totals = _q(
            con,
            "SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM digests), "
            "(SELECT count(*) FROM digest_entries)",
        )[0]
        charts: list[Chart] = []
        # topic trends: share per week of the 8 biggest topics
        top_topics = [
            r[0]
            for r in _q(
                con, "SELECT topic FROM topic_trends GROUP BY 1 ORDER BY sum(papers) DESC LIMIT 8"
            )
        ]
        weeks = [r[0] for r in _q(con, "SELECT DISTINCT week FROM topic_trends ORDER BY 1")]
        shares = {
            (r[0], r[1]): r[2] for r in _q(con, "SELECT topic, week, share FROM topic_trends")
        }
        charts.append(
            line_chart(
                "topic_trends",
                "Topic trends (share of each week's papers)",
                [str(w) for w in weeks],
                {t: [shares.get((t, w)) for w in weeks] for t in top_topics},
                "share",
            )
        )
        # rising terms: the latest week that has any
        rising = _q(
            con,
            """SELECT term, lift, share FROM rising_terms
                            WHERE week = (SELECT max(week) FROM rising_terms) ORDER BY lift DESC NULLS FIRST, papers DESC LIMIT 15""",
        )
        charts.append(
            bar_chart(
                "rising_terms",
                "Rising terms (latest week; share vs trailing 4 weeks)",
                [r[0] for r in rising],
                [float(r[2]) for r in rising],
                fmt="{:.2f}",
            )
        )
        # popularity curves of the 5 most upvoted papers of the last 30 days
        top = (
            _q(
                con,
                """SELECT paper_id, any_value(title) FROM trending_daily
                         WHERE digest_date > ? - INTERVAL 30 DAY GROUP BY 1 ORDER BY max(upvotes) DESC NULLS LAST LIMIT 5""",
                [last],
            )
            if last
            else []
        )
        curves = (
            _q(
                con,
                "SELECT paper_id, digest_date, upvotes FROM trending_daily "
                "WHERE paper_id IN (SELECT unnest(?))",
                [[t[0] for t in top]],
            )
            if top
            else []
        )
        ups = {(r[0], r[1]): r[2] for r in curves}
        days: list[date] = sorted({r[1] for r in curves})
        charts.append(
            line_chart(
                "popularity",
                "Popularity curves (upvotes of the top papers, last 30 days)",
                [str(d) for d in days],
                {f"{t[1][:40]}": [ups.get((t[0], d)) for d in days] for t in top},
                "upvotes",
            )
        )
        cov = (
            _q(
                con,
                "SELECT source, day, expected, landed, gap FROM coverage WHERE day > ? - INTERVAL 60 DAY",
                [last],
            )
            if last
            else []
        )
        charts.append(
            coverage_chart(cov, last) if last else _empty("coverage", "Coverage", "no data yet")
        )
        runs = _q(
            con,
            "SELECT run_id, status, duration_s FROM run_health ORDER BY started_at DESC LIMIT 30",
        )[::-1]
        status_color = {
            "published": "#3ca951",
            "noop": "#97bbf5",
            "rejected": "#d62728",
            "failed": "#ff725c",
        }
        charts.append(
            bar_chart(
                "run_health",
                "Run health (last 30 runs: seconds, colored by status)",
                [f"{r[0][:15]} {r[1]}" for r in runs],
                [float(r[2] or 0) for r in runs],
                [status_color.get(r[1], "#999") for r in runs],
                fmt="{:.1f}s",
            )
        )
        tables = []
        for label, span in (("day", 1), ("week", 7), ("month", 30)):
            rows = (
                _q(
                    con,
                    """SELECT any_value(title), max(upvotes) AS up, count(DISTINCT digest_date) AS days, paper_id
                              FROM trending_daily WHERE digest_date > ? - INTERVAL (?) DAY
                              GROUP BY paper_id ORDER BY up DESC NULLS LAST, paper_id LIMIT 10""",
                    [last, span],
                )
                if last
                else []
            )
            tables.append(
                _table(
                    f"Top papers of the last {label}",
                    ["title", "upvotes", "days listed", "paper"],
                    rows,
                )
            )
    finally:
        con.close()
    generated = generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = "".join(f"<section><h2>{_e(c.title)}</h2>{c.svg}</section>" for c in charts)
    # the page checks its own charts so a browser test can read the result from the DOM
    script = """<script>
document.addEventListener('DOMContentLoaded', function () {
  var charts = document.querySelectorAll('svg.chart');
  var drawn = 0;
  charts.forEach(function (svg) { var b = svg.getBBox(); if (b.width > 0 && b.height > 0 && svg.childElementCount > 0) drawn++; });
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-charts-drawn', String(drawn));
});
</script>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paperdigest report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }}
section {{ margin: 18px 0 28px; }} h2 {{ font-size: 16px; margin-bottom: 6px; }}
table {{ border-collapse: collapse; font-size: 12px; margin-bottom: 12px; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
.kpi {{ display: inline-block; margin-right: 24px; font-size: 13px; }} .kpi b {{ font-size: 20px; display: block; }}
</style></head>
<body>
<h1>paperdigest</h1>
<p>Generated {generated} from {_e(lake.root)}; newest digest {_e(last)}.</p>
<div><span class="kpi"><b>{totals[0]}</b>papers</span><span class="kpi"><b>{totals[1]}</b>digests</span>
<span class="kpi"><b>{totals[2]}</b>appearances</span></div>
{sections}
<section>{"".join(tables)}</section>
{script}
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
