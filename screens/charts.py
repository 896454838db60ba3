"""The bucket chart: how many tickets fell on each day (1…7), past 7 days, or open past 30.

One line per bucket: its name, a bar as long as its count (plain Rich text,
so it reads the same over any SSH terminal), the count and the points the
bucket adds to the timeliness sum. The colours are the queue's age colours.
The bars take what width is left, so the counts and points are never cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from fieldkpi.buckets import BUCKETS as BUCKET_NAMES
from fieldkpi.buckets import DAY_BUCKETS, BucketTotal
from fieldkpi.i18n import _
from fieldkpi.linebreaks import whole
from screens.labels import N_
from screens.numbers import signed

BAR_WIDTH = 24  # cells of the longest bar
BAR_MIN = 4  # on the narrowest screen
BAR = "█"
BAR_STYLES = {
    **dict.fromkeys(("d1", "d2", "d3"), "green"),
    **dict.fromkeys(("d4", "d5", "d6", "d7"), "yellow"),
    "late": "dark_orange",
    "open30": "red",
}
_OTHER_BUCKETS = {"late": N_("past 7 days"), "open30": N_("open past 30")}


def day_label(day: int) -> str:
    """The day a ticket was completed on ("day 3"), the day it came in being day 1."""
    return _("day {n}").format(n=day)


def bucket_label(bucket: str) -> str:
    if bucket in DAY_BUCKETS:
        return day_label(DAY_BUCKETS.index(bucket) + 1)
    return _(_OTHER_BUCKETS[bucket])


def ticket_bucket(bucket: str, day: int) -> str:
    """A ticket's bucket in a list, past 7 days with its day ("past 7 days: day 11"): each
    part kept whole on a line (:func:`~fieldkpi.linebreaks.whole`), so that a narrow column
    breaks it between the two, never before the number."""
    label = whole(bucket_label(bucket))
    if bucket != "late":
        return label
    return _("{bucket}: {day}").format(bucket=label, day=whole(day_label(day)))


def bar_length(count: int, most: int, width: int = BAR_WIDTH) -> int:
    """Bars in proportion to the largest count; any ticket at all shows at least one cell."""
    if count == 0 or most == 0:
        return 0
    return max(1, round(count * width / most))


def bucket_chart(buckets: Sequence[BucketTotal]) -> RenderableType:
    """The chart, its bars as long as the width it is drawn in allows (up to ``BAR_WIDTH``)."""
    return _BucketChart(list(buckets))


class _BucketChart:
    """A Rich renderable: on a phone held upright the bars shorten, the counts and points stay."""

    def __init__(self, buckets: list[BucketTotal]) -> None:
        self.buckets = buckets

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        heads = (_("Bucket"), _("Tickets"), _("Points"))
        label = max(cell_len(text) for text in [heads[0], *map(bucket_label, BUCKET_NAMES)])
        others = label + cell_len(heads[1]) + cell_len(heads[2]) + 3  # and the gaps
        width = max(BAR_MIN, min(BAR_WIDTH, options.max_width - others))
        yield self.grid(width)

    def grid(self, width: int) -> Table:
        most = max((b.count for b in self.buckets), default=0)
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
        for bucket in self.buckets:
            length = bar_length(bucket.count, most, width)
            grid.add_row(
                bucket_label(bucket.bucket),
                Text(BAR * length, style=BAR_STYLES[bucket.bucket]),
                str(bucket.count),
                signed(bucket.points) if bucket.count else "",
            )
        return grid
