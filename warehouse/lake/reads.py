"""Reading tables at the versions the newest ledger pins, whole or by the files holding some keys."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import polars as pl

from warehouse.contracts import BY_NAME
from warehouse.delta_files import DataFile, files_with_keys, scan_files
from warehouse.lake.ledgers import Ledgers

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping


class TableReads(Ledgers):
    def scan(self, name: str, version: int | None = None) -> pl.LazyFrame:
        """The table at ``version`` (default: the pinned one); an empty frame before first write."""
        contract = BY_NAME[name]
        if version is None:
            version = self._pinned(name, self.latest_ledger())
        if version is None:
            return contract.empty_frame().lazy()
        dt = self._delta(name, version)
        # Polars' scan_delta opens the percent-encoded URIs as they are: read those lakes
        # through delta-rs' own dataset, which decodes them
        lf = (
            pl.scan_pyarrow_dataset(dt.to_pyarrow_dataset()) if self._encoded else pl.scan_delta(dt)
        )
        # a column added to the contract after the table was written reads as null
        have = set(lf.collect_schema().names())
        missing = [c for c in contract.columns if c.name not in have]
        if missing:
            lf = lf.with_columns(
                [pl.lit(None, dtype=c.polars_dtype).alias(c.name) for c in missing]
            )
        return lf.select(contract.column_names)

    def scan_with_keys(
        self, name: str, keys: Mapping[str, Collection[Any]], version: int | None = None
    ) -> pl.LazyFrame:
        """The table at ``version`` (default: the pinned one), but only its files whose bounds
        of a ``keys`` column hold one of that column's values: a run's lookups of the rows it
        touches open the few files of their key range instead of every file of years of
        history. Filter the rows yourself: a file holds other keys too."""
        contract = BY_NAME[name]
        if version is None:
            version = self._pinned(name, self.latest_ledger())
        files = self.files_with_keys(name, keys, version) if version is not None else []
        return scan_files(files, contract.polars_schema, self.storage_options)

    def files_with_keys(
        self, name: str, keys: Mapping[str, Collection[Any]], version: int
    ) -> list[DataFile]:
        """The files of the table at ``version`` whose bounds of a ``keys`` column hold one of
        that column's values (see ``delta_files.files_with_keys``)."""
        contract = BY_NAME[name]
        dt = self._read_now(name, version)
        files: dict[str, DataFile] = {}
        for column, values in keys.items():
            if values:
                wanted = pl.Series(list(values), dtype=contract.polars_schema[column])
                for f in files_with_keys(dt, self._files_base(name), column, wanted):
                    files[f.path] = f
        return list(files.values())

    def content_hash(self, name: str, version: int | None = None) -> str:
        """sha256 over the table's rows (volatile columns left out), independent of row order."""
        contract = BY_NAME[name]
        df = self.scan(name, version).select(contract.content_columns).collect()
        row_hashes = df.hash_rows(seed=0).sort()
        digest = hashlib.sha256(row_hashes.to_numpy().tobytes())
        digest.update(str(df.height).encode())
        return digest.hexdigest()
