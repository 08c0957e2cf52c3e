"""The dashboard's charts as Vega-Lite specs, built with Altair.

Vega-Lite draws what a reader of a chart expects without code of ours: axes with ticks and
titles, legends, values on hover (Vega's tooltip handler). The page embeds Vega, Vega-Lite and
vega-embed from vl-convert's offline bundle, so the file stays one file that fetches nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

WIDTH = 760
STATUS_COLORS = {
    "published": "#3ca951",
    "noop": "#97bbf5",
    "rejected": "#d62728",
    "failed": "#ff725c",
}


def _alt() -> Any:
    import altair as alt

    return alt


def topic_trends(df: pl.DataFrame) -> dict[str, Any]:
    """week, topic, share, papers: one line per topic."""
    alt = _alt()
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="week", axis=alt.Axis(format="%b %d", tickCount="week")),
            y=alt.Y("share:Q", title="share of the week's papers", axis=alt.Axis(format="%")),
            color=alt.Color("topic:N", title="topic"),
            tooltip=[
                alt.Tooltip("week:T", title="week"),
                alt.Tooltip("topic:N", title="topic"),
                alt.Tooltip("share:Q", title="share", format=".1%"),
                alt.Tooltip("papers:Q", title="papers"),
            ],
        )
        .properties(width=WIDTH, height=260)
        .to_dict()
    )


def rising_terms(df: pl.DataFrame) -> dict[str, Any]:
    """term, lift, papers, share, baseline_share: a bar of lift per term."""
    alt = _alt()
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("lift:Q", title="lift (share this week / smoothed baseline)"),
            y=alt.Y("term:N", title="term", sort="-x"),
            color=alt.Color("papers:Q", title="papers (support)", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("term:N", title="term"),
                alt.Tooltip("lift:Q", title="lift", format=".2f"),
                alt.Tooltip("papers:Q", title="papers this week"),
                alt.Tooltip("share:Q", title="share", format=".1%"),
                alt.Tooltip("baseline_share:Q", title="baseline share", format=".2%"),
            ],
        )
        .properties(width=WIDTH - 160, height=alt.Step(18))
        .to_dict()
    )


def popularity(df: pl.DataFrame) -> dict[str, Any]:
    """digest_date, paper, upvotes: one line per paper."""
    alt = _alt()
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("digest_date:T", title="day", axis=alt.Axis(format="%b %d", tickCount="day")),
            y=alt.Y("upvotes:Q", title="upvotes"),
            color=alt.Color("paper:N", title="paper"),
            tooltip=[
                alt.Tooltip("paper:N", title="paper"),
                alt.Tooltip("digest_date:T", title="day"),
                alt.Tooltip("upvotes:Q", title="upvotes"),
            ],
        )
        .properties(width=WIDTH - 200, height=260)
        .to_dict()
    )


def coverage(df: pl.DataFrame) -> dict[str, Any]:
    """source, day, state (landed, gap, not expected), landed: a cell per source and day."""
    alt = _alt()
    states = ["landed", "gap", "not expected"]
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("day:T", title="day", axis=alt.Axis(format="%b %d", tickCount="week")),
            y=alt.Y("source:N", title="source"),
            color=alt.Color(
                "state:N",
                title="state",
                scale=alt.Scale(domain=states, range=["#3ca951", "#d62728", "#dddddd"]),
            ),
            tooltip=[
                alt.Tooltip("source:N", title="source"),
                alt.Tooltip("day:T", title="day"),
                alt.Tooltip("state:N", title="state"),
                alt.Tooltip("landed:Q", title="files landed"),
            ],
        )
        .properties(width=WIDTH - 200, height=alt.Step(20))
        .to_dict()
    )


def run_health(df: pl.DataFrame) -> dict[str, Any]:
    """run, started_at, status, duration_s: a bar per run, colored by status."""
    alt = _alt()
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("run:N", title="run", sort=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("duration_s:Q", title="seconds"),
            color=alt.Color(
                "status:N",
                title="status",
                scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip("run:N", title="run"),
                alt.Tooltip("started_at:T", title="started", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("status:N", title="status"),
                alt.Tooltip("duration_s:Q", title="seconds", format=".1f"),
            ],
        )
        .properties(width=WIDTH - 100, height=200)
        .to_dict()
    )


def javascript_bundle(snippet: str) -> str:
    """Vega, Vega-Lite and vega-embed in one offline script, ending with ``snippet`` (which
    sees ``vegaEmbed``)."""
    import vl_convert

    return str(vl_convert.javascript_bundle(snippet))
