"""F1 help: the packaged ``help.md`` section for the screen underneath, and its keys.

Each language has its own file (``help.zh.md`` for Chinese) with the same
sections; ``help.md`` is the English one and the fallback.

The key table comes from the action registry (with the person's own key
map), so the help can never list a key that does not exist, and lists only
the keys the person can use on that screen (:func:`screens.actions.offered`).
Its descriptions wrap in their column, in Chinese too (no spaces to wrap at).
Its paragraphs wrap as each language does: English at its spaces, Chinese
between any two characters but never with a closing mark first on a line
(:func:`fieldkpi.linebreaks.line_starts`); a key (`a`) stays on the line of
the words about it.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.markdown import (
    Markdown,
    MarkdownContext,
    MarkdownElement,
    Paragraph,
    TableDataElement,
)
from rich.text import TextType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from fieldkpi.i18n import _, current_language
from fieldkpi.linebreaks import Wrapped
from screens import actions

_SECTION = re.compile(r"^<!-- scope: (\w+) -->\s*$", re.MULTILINE)


def help_file(lang: str | None = None) -> str:
    """The help file of ``lang`` (default: the current language), else ``help.md``."""
    name = f"help.{lang or current_language()}.md"
    return name if files("screens").joinpath(name).is_file() else "help.md"


def help_sections(lang: str | None = None) -> dict[str, str]:
    """The help file cut at its ``<!-- scope: NAME -->`` markers: scope -> Markdown."""
    text = files("screens").joinpath(help_file(lang)).read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def key_table(screen: Screen, scope: str, keymap: dict[str, str]) -> str:
    """A Markdown table of the keys of ``scope`` and the app's that the person on ``screen``
    can use there, each named first as the footer names it ("Move all", 整体转派): a key
    read in the footer is found in the help by its name."""
    app = screen.app
    lines = [f"| {_('Key')} | {_('What it does')} |", "|---|---|"]
    for action in actions.ACTIONS:
        if scope in action.scopes or actions.APP in action.scopes:
            if not actions.offered(action, screen):
                continue
            keys = ", ".join(
                app.get_key_display(Binding(k, "")) for k in actions.keys_of(action, keymap)
            )
            said = _("{label}: {help}").format(label=f"**{_(action.label)}**", help=_(action.help))
            lines.append(f"| `{keys}` | {said} |")
    return "\n".join(lines)


def key_glue(text: str, start: int, end: int) -> set[int]:
    """Where no line may start around a key ``text[start:end]`` in Chinese: on the key, or
    on the Chinese words on either side of it beyond a space ('按 v 显示' stays whole).
    English breaks beside a key as Rich does."""
    glued = set(range(start + 1, end))
    before = start
    while before > 0 and text[before - 1] == " ":
        before -= 1
    if before < start and before > 0 and cell_len(text[before - 1]) == 2:
        glued.add(start)
    after = end
    while after < len(text) and text[after] == " ":
        after += 1
    if after > end and after < len(text) and cell_len(text[after]) == 2:
        glued.add(after)
    return glued


class WrappingParagraph(Paragraph):
    """A paragraph drawn :class:`Wrapped`, each key (inline code) kept with its words."""

    def on_enter(self, context: MarkdownContext) -> None:
        super().on_enter(context)
        self.keys: list[tuple[int, int]] = []

    def on_text(self, context: MarkdownContext, text: TextType) -> None:
        start = len(self.text)
        super().on_text(context, text)
        code = context.console.get_style("markdown.code", default="none")
        if isinstance(text, str) and context.current_style == self.style + code:
            self.keys.append((start, len(self.text)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = self.text.plain
        glued = frozenset(at for start, end in self.keys for at in key_glue(plain, start, end))
        self.text.justify = self.justify
        yield from Wrapped(self.text, glued).__rich_console__(console, options)


class WrappingCell(TableDataElement):
    """A table cell wrapped as a paragraph is: Rich cuts a word too long for its column with
    "…", or folds it, a closing mark first on a line, and a Chinese sentence is one word."""

    def on_leave(self, context: MarkdownContext) -> None:
        self.content = Wrapped(self.content)


class FoldingCell(TableDataElement):
    """A heading cell whose words too long for its column go on to the next line."""

    def __init__(self, justify: JustifyMethod) -> None:
        super().__init__(justify)
        self.content.overflow = "fold"


class HelpMarkdown(Markdown):
    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "paragraph_open": WrappingParagraph,
        "td_open": WrappingCell,
        "th_open": FoldingCell,
    }


class HelpScreen(actions.ScopedKeys, ModalScreen[None]):
    """Help for one screen; any of Esc, F1, ? or q closes it."""

    ACTION_SCOPE = actions.HELP

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope  # the keys and section of the screen it was opened over
        self.keys = key_table(self.app.screen, scope, self.app.keymap)  # that screen's: made now

    def compose(self) -> ComposeResult:
        scope = self.scope
        sections = help_sections()
        text = "\n\n".join(
            part
            for part in (
                sections.get(scope, ""),
                f"## {_('Keys')}",
                self.keys,
                sections.get(actions.APP, ""),
            )
            if part
        )
        self.text = text
        with VerticalScroll(id="help-box"):
            yield Static(HelpMarkdown(text), id="help")

    def on_screen_resume(self) -> None:
        """From the top each time it is shown (the app keeps it for the session)."""
        box = self.query_one("#help-box", VerticalScroll)
        box.scroll_home(animate=False)
        box.focus()

    def action_close(self) -> None:
        self.dismiss()
