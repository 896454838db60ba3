"""Prose, the wrapped text of banners, refusals and a decision's contest: what it holds is
data, drawn letter for letter, however it was given."""

from __future__ import annotations

from textual.app import App, ComposeResult
from tui_helpers import async_test, screen_text

from screens.linebreaks import Prose

REASON = "[bold]不是我的问题[/] \x1b[31m=1+1"  # a contest reason as an engineer could type it


class OneProse(App):
    def compose(self) -> ComposeResult:
        yield Prose(REASON, id="said")


@async_test
async def test_stored_text_in_prose_is_drawn_as_typed_never_as_markup_or_escapes():
    app = OneProse()
    async with app.run_test(size=(60, 5)) as pilot:
        assert "[bold]不是我的问题[/] [31m=1+1" in screen_text(app)  # ESC itself is not drawn
        app.query_one("#said", Prose).update("[/x] 邓艳")  # a closing tag alone: no markup error
        await pilot.pause()
        assert "[/x] 邓艳" in screen_text(app)


class NarrowProse(App):
    def compose(self) -> ComposeResult:
        yield Prose("评分不计入谢建华的满意度", id="said", names=["谢建华"])


@async_test
async def test_a_name_given_to_prose_goes_whole_to_the_next_line_not_half_of_it():
    """Chinese breaks between any two characters: 12 cells end in 谢 of 谢建华 unless the name
    is held whole."""
    app = NarrowProse()
    async with app.run_test(size=(12, 4)):
        assert screen_text(app).splitlines()[:3] == ["评分不计入  ", "谢建华的满意", "度          "]
