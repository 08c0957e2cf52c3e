"""Adding and removing watches: each change is a run of its own, gated and ledgered like any
other, so a watch's history is queryable and a bad definition is refused with a reason. A new
watch is filled from history at once: the papers it matches now are its first hits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pipeline.table_runs import run_tables
from transforms.enrichment.terms import normalize_term_text
from transforms.normalize import Staged
from warehouse import duck
from warehouse.contracts import BY_NAME
from warehouse.watches import Watch, WatchError, active, matches

if TYPE_CHECKING:
    from pipeline.report import RunReport
    from pipeline.settings import Settings


def _published_hits(settings: Settings, name: str) -> pl.DataFrame:
    return (
        settings.lake.scan("watch_hits")
        .filter(pl.col("watch") == name)
        .select("paper_id")
        .collect()
    )


def add_watch(settings: Settings, watch: Watch) -> RunReport:
    """Publish ``watch`` and the papers it matches now (raises ``WatchError`` when a watch of
    that name is active or it has no condition)."""
    if not watch.conditions():
        raise WatchError("a watch needs at least one condition (--query, --topic, ...)")
    if watch.term:
        watch = Watch(**{**watch.__dict__, "term": normalize_term_text(watch.term)})
    lake = settings.lake

    def build(run_id: str) -> tuple[Staged, str]:
        hits = BY_NAME["watch_hits"].empty_frame()
        if lake.views_path.exists():
            con = duck.connect(lake)
            try:
                if watch.name in set(active(con)["name"]):
                    raise WatchError(f"a watch named {watch.name!r} exists: `watch rm` it first")
                found = matches(lake, con, watch)
            finally:
                con.close()
            # a name added again keeps the hits it had: each paper is a hit once
            found = found.join(_published_hits(settings, watch.name), on="paper_id", how="anti")
            hits = BY_NAME["watch_hits"].conform(
                found.with_columns(
                    pl.lit(watch.name).alias("watch"),
                    pl.lit(run_id).alias("run_id"),
                    pl.lit(settings.now).alias("matched_at"),
                )
            )
        tables = {"watches": watch.row("add", run_id, settings.now), "watch_hits": hits}
        return Staged(
            run_id=run_id, tables=tables
        ), f"added watch {watch.name} ({hits.height} hits)"

    return run_tables(settings, build)


def remove_watch(settings: Settings, name: str) -> RunReport:
    """Publish the removal of the active watch ``name`` (its hits stay, as history)."""
    lake = settings.lake

    def build(run_id: str) -> tuple[Staged, str]:
        current = pl.DataFrame()
        if lake.views_path.exists():
            con = duck.connect(lake)
            try:
                current = active(con).filter(pl.col("name") == name)
            finally:
                con.close()
        if current.is_empty():
            raise WatchError(f"no watch named {name!r}")
        watch = Watch.of_row(current.row(0, named=True))
        tables = {"watches": watch.row("remove", run_id, settings.now)}
        return Staged(run_id=run_id, tables=tables), f"removed watch {name}"

    return run_tables(settings, build)
