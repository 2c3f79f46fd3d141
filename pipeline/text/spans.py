"""Character spans shared by the stages."""
from __future__ import annotations

import bisect
from typing import Iterable


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, with overlapping or touching spans joined: (0, 3), (2, 5), (7, 8) → (0, 5), (7, 8)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


class SpanSet:
    """``offset in spans`` in O(log n): the spans merged once, then a bisect (a scan of every span for every
    offset is quadratic on a long document with many sections or passages)."""

    __slots__ = ("spans", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = merge_spans(spans)
        self._starts = [a for a, _ in self.spans]

    def __contains__(self, offset: int) -> bool:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i >= 0 and offset < self.spans[i][1]


class Intervals:
    """Spans that may overlap, kept sorted by start; ``overlaps`` looks only at the spans that start within the
    longest one's length before the query (a scan of every span for every query is quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]
        self.longest = max((b - a for a, b in self.spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start - self.longest)
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                return True
            i += 1
        return False

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.spans, (start, end))
        self.spans.insert(i, (start, end))
        self.starts.insert(i, start)
        self.longest = max(self.longest, end - start)
