"""Notices (toasts) that wrap as their language does, as every other text of fieldkpi.

Textual's toast wraps at spaces, and cuts a run wider than itself wherever the
width runs out: on a phone (46 columns) 按钮上不能输入文字：按 Tab 转到下一栏。
broke before its "：", a line starting with a closing mark. Toasts are made by
Textual's ``ToastRack``, which names the class it makes, ``Toast`` of its own
module, each time it shows one: :func:`install` points that name at
:class:`ProseToast` (pinned to textual 8.2, as :mod:`screens.dropdown`'s menu
keys). What a toast says is plain text already (``FieldKpiApp.notify``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import RenderResult
from textual.notifications import Notification
from textual.widgets import _toast

from fieldkpi.linebreaks import Wrapped, kept_whole


@dataclass
class Naming(Notification):
    """A notice that names people: ``names`` are kept whole where it wraps (a Chinese name
    breaks between any two characters)."""

    names: tuple[str, ...] = ()


class ProseToast(_toast.Toast):
    """Textual's toast, its title over its message, broken into lines by
    :func:`fieldkpi.linebreaks.wrap` for the width it is drawn at, the names of a
    :class:`Naming` notice whole."""

    def render(self) -> RenderResult:
        notification = self._notification
        text = Text(notification.message)
        if notification.title:
            title = self.get_component_rich_style("toast--title")
            text = Text.assemble((notification.title, title), "\n", text)
        names = notification.names if isinstance(notification, Naming) else ()
        return Wrapped(text, kept_whole(text.plain, names))


def install() -> None:
    """Every toast shown from now on is a :class:`ProseToast` (the same for every session of
    the process: nothing else of fieldkpi makes toasts)."""
    _toast.Toast = ProseToast
