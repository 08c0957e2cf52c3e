"""The shape of this project's own GX expectations: a verdict on one table-level metric."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from great_expectations.expectations.expectation import BatchExpectation


class MetricVerdict(BatchExpectation):
    """Judges ``metric_dependencies[0]``, one metric of the whole batch (``verdict``). Abstract,
    so GX does not register it as an expectation of its own."""

    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["paperdigest"], "contributors": []}

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any] | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        return self.verdict(metrics[self.metric_dependencies[0]])

    @abstractmethod
    def verdict(self, value: Any) -> dict[str, Any]:
        """GX's result: ``success``, and what to report in ``result``."""
