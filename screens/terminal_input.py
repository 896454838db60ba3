"""What the terminal sends reaches the app as sent: a paste as one paste, in order.

With bracketed paste the terminal wraps pasted text in ``ESC[200~`` … ``ESC[201~``.
Textual's parser (``textual/_xterm_parser.py``, 8.2.8, ``XTermParser.parse``) keeps in
the paste only the characters it reads outside an escape sequence. An ESC inside the
paste is kept, but the sequence it starts is read without keeping it (lines 218–219,
240–258); the next ESC (or its 33rd character) hands it on as keys, the ESC as ``^``
(250–258, 176–197), and the paste, sent at its end, holds only what came before the
first ESC (that ESC, its last character, is taken for the end marker's: 201–211). Pasting
``前\\x1b[31mRED\\x1b[0m后`` typed the keys ``^[31mRED^[0m后`` and then the paste
``前``: the reason was stored as ``^[31mRED^[0m后前``. Those keys are keys: a pasted
``\\x1b\\x13`` pressed Ctrl+S, a pasted line break after an ESC pressed Enter.

xterm, Alacritty and Windows Terminal drop ESC from what they paste; tmux and others
pass it on. So this app's driver drops it too, from inside a paste only, before
Textual's parser reads it (:class:`PasteFilter`): the paste is the text the person
copied, in order, less its ESCs (``前[31mRED[0m后``), as free text is kept
(:func:`fieldkpi.cleantext.clean_text`). A paste from another driver, or with other
control characters, is cleaned by the box it goes into (:mod:`screens.text_input`).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import FunctionType

from textual import events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"


class PasteFilter:
    """The terminal's input, read by read, with every ESC inside a paste dropped.

    A marker may be cut between two reads: the start of one is looked for across them,
    and the end of a read that may begin the end marker is held for the next.
    Outside a paste nothing is held back (an Esc key must not wait for the next key).
    """

    def __init__(self) -> None:
        self._pasting = False
        self._seen = ""  # the last characters passed on outside a paste
        self._held = ""  # the end of the last read inside a paste: perhaps its end marker

    def __call__(self, data: str) -> str:
        passed: list[str] = []
        while data:
            if not self._pasting:
                seen = self._seen + data
                start = seen.find(BRACKETED_PASTE_START)
                if start < 0:
                    passed.append(data)
                    self._seen = seen[-len(BRACKETED_PASTE_START) + 1 :]
                    break
                cut = start + len(BRACKETED_PASTE_START) - len(self._seen)
                passed.append(data[:cut])
                data, self._pasting, self._seen = data[cut:], True, ""
                continue
            data, self._held = self._held + data, ""
            end = data.find(BRACKETED_PASTE_END)
            if end < 0:
                last = data.rfind(ESC)
                if last >= 0 and BRACKETED_PASTE_END.startswith(data[last:]):
                    data, self._held = data[:last], data[last:]
                passed.append(data.replace(ESC, ""))
                break
            passed.append(data[:end].replace(ESC, "") + BRACKETED_PASTE_END)
            data, self._pasting = data[end + len(BRACKETED_PASTE_END) :], False
        return "".join(passed)


class PasteSafeParser(XTermParser):
    """Textual's parser, fed through a :class:`PasteFilter`."""

    def __init__(self, debug: bool = False) -> None:
        self._paste_filter = PasteFilter()
        super().__init__(debug)

    def feed(self, data: str) -> Iterable[events.Event]:
        if not data:  # the end of the input: Textual's parser ends
            return super().feed(data)
        data = self._paste_filter(data)
        # all of it held (part of an end marker): nothing yet, and not the end of the input
        return super().feed(data) if data else ()


class PasteSafeDriver(LinuxDriver):
    """Textual's Linux driver, reading the terminal through :class:`PasteSafeParser`."""

    parser = PasteSafeParser  # what reads the terminal's input
    # LinuxDriver.run_input_thread makes its parser with the name XTermParser of its module.
    # The same code, run with that module's names but this one: nothing of Textual's is
    # copied, and its module is left as it is (another app in the process keeps its parser).
    run_input_thread = FunctionType(
        LinuxDriver.run_input_thread.__code__,
        vars(linux_driver) | {"XTermParser": parser},
        "run_input_thread",
    )
