"""What a scorer returns, and which scorer handles which gold annotation key."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass
class Row:
    system: str  # "historiograph", or a baseline's name
    field: str  # what is measured, e.g. "quotes.detection", "quotes.speaker"
    precision: Optional[float]
    recall: Optional[float]
    accuracy: Optional[float]
    n: int  # how many gold items the figure is over


def detection_row(system: str, field: str, correct: int, predicted: int, gold: int) -> Row:
    """Precision and recall from counts: right finds among the predicted and among the gold."""
    return Row(system, field, precision=correct / predicted if predicted else None,
               recall=correct / gold if gold else None, accuracy=None, n=gold)


def f1(row: Row) -> Optional[float]:
    if row.precision is None or row.recall is None or row.precision + row.recall == 0:
        return None
    return 2 * row.precision * row.recall / (row.precision + row.recall)


# gold.jsonl annotation key -> module with ``score(pairs) -> list[Row]``
SCORERS: dict[str, str] = {
    "quotes": "historiograph.evaluate.quotes",
    "entities": "historiograph.evaluate.quotes",
    "times": "historiograph.evaluate.times",
    "works": "historiograph.evaluate.works",
    "claims": "historiograph.evaluate.claims",
    "clusters": "historiograph.evaluate.trace",
}
