"""The classification rates at a threshold (sensitivity, specificity, PPV,
NPV: :func:`logistic.metrics.classification_rates`) as one line of text,
the same words in ``logistic evaluate`` and the HTML report."""

from __future__ import annotations

from typing import Any

#: (key of the metrics dict, the name shown)
_RATES = (
    ("sensitivity", "sensitivity"),
    ("specificity", "specificity"),
    ("ppv", "PPV"),
    ("npv", "NPV"),
)


def rates_line(metrics: dict[str, Any]) -> str:
    """``sensitivity 0.2283, specificity 0.9267, PPV 0.5918, NPV 0.7208``;
    n/a for a rate whose denominator holds no row of positive weight."""
    return ", ".join(
        f"{label} {'n/a' if metrics[key] is None else f'{metrics[key]:.4f}'}"
        for key, label in _RATES
    )
