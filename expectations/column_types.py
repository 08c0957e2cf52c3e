"""A GX expectation checking every column's type at once: the contract's types, one check per
table. Imported only when a suite is built (importing GX costs seconds).

GX's own ``ExpectColumnValuesToBeOfType`` is one expectation per column, and GX's machinery per
expectation, not the check, is what costs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from expectations.metric_verdict import MetricVerdict

# at run time: GX's pydantic model resolves the field's annotation
from warehouse.contracts.schema import LogicalType  # noqa: TC001

# the Python (or NumPy) type of the values of a column of each contract type, as the gate's
# pandas frames hold them: Arrow-backed columns, and numbers without a null as NumPy columns
VALUE_TYPES: dict[LogicalType, tuple[type, ...]] = {
    "str": (str,),
    "int64": (int, np.int64),
    "float64": (float, np.float64),
    "bool": (bool, np.bool_),
    "date": (dt.date,),
    "datetime": (dt.datetime,),
    "list[str]": (list,),
}


def type_name(dtype: Any) -> str:
    value_type = getattr(dtype, "type", None)
    return getattr(value_type, "__name__", str(dtype))


class ExpectColumnTypesToMatchContract(MetricVerdict):
    """Each named column's values are of its type (``VALUE_TYPES``); a column missing from the
    frame fails too. The observed value names every column that is not."""

    column_types: dict[str, LogicalType]

    metric_dependencies = ("table.column_types",)
    success_keys = ("column_types",)
    args_keys = ("column_types",)

    def verdict(self, value: list[dict[str, Any]]) -> dict[str, Any]:
        actual = {c["name"]: c["type"] for c in value}
        wrong = {
            name: type_name(actual[name]) if name in actual else "missing"
            for name, expected in self.column_types.items()
            if name not in actual
            or getattr(actual[name], "type", None) not in VALUE_TYPES[expected]
        }
        return {
            "success": not wrong,
            "result": {"observed_value": wrong or "every column of its contract type"},
        }
