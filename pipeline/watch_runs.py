"""Adding and removing watches, and recording their hits: each change is a run of its own,
gated and ledgered like any other, so a watch's history is queryable and a bad definition is
refused with a reason. A new watch is filled from history at once; after each publishing run
every active watch records the papers it matches for the first time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pipeline.table_runs import run_tables, run_tables_if_any
from transforms.enrichment.terms import normalize_term_text
from transforms.normalize import Staged
from warehouse import duck
from warehouse.contracts import BY_NAME
from warehouse.watches import Watch, WatchError, active, matches

if TYPE_CHECKING:
    import duckdb

    from pipeline.report import RunReport
    from pipeline.settings import Settings


def _seen(settings: Settings) -> pl.DataFrame:
    """Every published hit: watch, paper_id."""
    return settings.lake.scan("watch_hits").select("watch", "paper_id").collect()


def _new_hits(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    watch: Watch,
    run_id: str,
    seen: pl.DataFrame,
) -> pl.DataFrame:
    """The papers ``watch`` matches now and never matched before (``seen``: the published
    hits), as watch_hits rows: a paper is a watch's hit once (a name added again keeps the hits
    it had)."""
    before = seen.filter(pl.col("watch") == watch.name).select("paper_id")
    found = matches(settings.lake, con, watch).join(before, on="paper_id", how="anti")
    return BY_NAME["watch_hits"].conform(
        found.with_columns(
            pl.lit(watch.name).alias("watch"),
            pl.lit(run_id).alias("run_id"),
            pl.lit(settings.now).alias("matched_at"),
        )
    )


def _active(settings: Settings) -> tuple[list[Watch], duckdb.DuckDBPyConnection | None]:
    if not settings.lake.views_path.exists():
        return [], None
    con = duck.connect(settings.lake)
    return [Watch.of_row(r) for r in active(con).iter_rows(named=True)], con


def add_watch(settings: Settings, watch: Watch) -> RunReport:
    """Publish ``watch`` and the papers it matches now (raises ``WatchError`` when a watch of
    that name is active or it has no condition)."""
    if not watch.conditions():
        raise WatchError("a watch needs at least one condition (--query, --topic, ...)")
    if watch.term:
        watch = Watch(**{**watch.__dict__, "term": normalize_term_text(watch.term)})

    def build(run_id: str) -> tuple[Staged, str]:
        watches, con = _active(settings)
        hits = BY_NAME["watch_hits"].empty_frame()
        if con is not None:
            try:
                if watch.name in {w.name for w in watches}:
                    raise WatchError(f"a watch named {watch.name!r} exists: `watch rm` it first")
                hits = _new_hits(settings, con, watch, run_id, _seen(settings))
            finally:
                con.close()
        tables = {"watches": watch.row("add", run_id, settings.now), "watch_hits": hits}
        return Staged(
            run_id=run_id, tables=tables
        ), f"added watch {watch.name} ({hits.height} hits)"

    return run_tables(settings, build)


def remove_watch(settings: Settings, name: str) -> RunReport:
    """Publish the removal of the active watch ``name`` (its hits stay, as history)."""

    def build(run_id: str) -> tuple[Staged, str]:
        watches, con = _active(settings)
        if con is not None:
            con.close()
        current = [w for w in watches if w.name == name]
        if not current:
            raise WatchError(f"no watch named {name!r}")
        tables = {"watches": current[0].row("remove", run_id, settings.now)}
        return Staged(run_id=run_id, tables=tables), f"removed watch {name}"

    return run_tables(settings, build)


def record_hits(settings: Settings) -> RunReport | None:
    """After a publishing run: each active watch's papers matched for the first time, in a run
    of their own; None when no watch is active or none has a new hit (no run is made).
    Idempotent: a rerun, a resumed crash or a replayed backfill adds nothing twice."""
    watches, con = _active(settings)
    if con is not None:
        con.close()
    if not watches:  # the common case costs one look at the views, not the lake lock
        return None

    def build(run_id: str) -> tuple[Staged, str] | None:
        watches, con = _active(settings)
        if con is None:
            return None
        try:
            seen = _seen(settings)
            hits = pl.concat(
                [BY_NAME["watch_hits"].empty_frame()]
                + [_new_hits(settings, con, w, run_id, seen) for w in watches]
            )
        finally:
            con.close()
        if hits.is_empty():
            return None
        return Staged(run_id=run_id, tables={"watch_hits": hits}), f"{hits.height} new watch hits"

    return run_tables_if_any(settings, build)
