"""The bucket chart: how many tickets fell on each day (1…7), past 7 days, or open past 30.

One line per bucket: its name, a bar as long as its count (plain Rich text,
so it reads the same over any SSH terminal), the count and the points the
bucket adds to the timeliness sum. The colours are the queue's age colours.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from fieldkpi.buckets import DAY_BUCKETS, BucketTotal
from fieldkpi.i18n import _
from screens.labels import N_
from screens.numbers import signed

BAR_WIDTH = 24  # cells of the longest bar
BAR = "█"
BAR_STYLES = {
    **dict.fromkeys(("d1", "d2", "d3"), "green"),
    **dict.fromkeys(("d4", "d5", "d6", "d7"), "yellow"),
    "late": "dark_orange",
    "open30": "red",
}
_OTHER_BUCKETS = {"late": N_("past 7 days"), "open30": N_("open past 30")}


def bucket_label(bucket: str) -> str:
    if bucket in DAY_BUCKETS:
        return _("day {n}").format(n=DAY_BUCKETS.index(bucket) + 1)
    return _(_OTHER_BUCKETS[bucket])


def bar_length(count: int, most: int, width: int = BAR_WIDTH) -> int:
    """Bars in proportion to the largest count; any ticket at all shows at least one cell."""
    if count == 0 or most == 0:
        return 0
    return max(1, round(count * width / most))


def bucket_chart(buckets: Sequence[BucketTotal], width: int = BAR_WIDTH) -> RenderableType:
    most = max((b.count for b in buckets), default=0)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)  # bucket
    grid.add_column(no_wrap=True, width=width)  # bar
    grid.add_column(justify="right", no_wrap=True)  # count
    grid.add_column(justify="right", no_wrap=True)  # points
    grid.add_row(
        Text(_("Bucket"), style="bold"),
        Text(""),
        Text(_("Tickets"), style="bold"),
        Text(_("Points"), style="bold"),
    )
    for bucket in buckets:
        bar = Text(BAR * bar_length(bucket.count, most, width), style=BAR_STYLES[bucket.bucket])
        grid.add_row(
            bucket_label(bucket.bucket),
            bar,
            str(bucket.count),
            signed(bucket.points) if bucket.count else "",
        )
    return grid


class BucketChart(Static):
    """The chart as a widget; ``show()`` replaces the buckets drawn."""

    DEFAULT_CSS = """
    BucketChart {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, buckets: Sequence[BucketTotal]) -> None:
        self.update(bucket_chart(buckets))
