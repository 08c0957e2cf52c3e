"""Table contracts: declared once, used by Polars, the expectations, the views and the docs."""

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.tables import ALL, BY_NAME

__all__ = ["ALL", "BY_NAME", "Column", "TableContract"]
