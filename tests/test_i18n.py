"""Chinese and English throughout: the catalogs are current and complete, and nothing is unmarked.

The catalog checks run ``scripts/extract_messages.py``'s own functions, so a
string added to the code without a translation fails here with the command
that fixes it. The source scans look for text written straight into a widget
or an error without ``_()``; ``tests/test_tui_zh.py`` then walks the screens
in Chinese and looks for English left on them.
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from fieldkpi import cli, i18n
from fieldkpi.i18n import _, current_language, language_from_env, ngettext, set_language
from screens.help import help_sections

ROOT = Path(__file__).resolve().parent.parent
FIX = "run: python scripts/extract_messages.py --compile (then translate the new msgids)"


def _extractor():
    spec = importlib.util.spec_from_file_location(
        "extract_messages", ROOT / "scripts" / "extract_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


em = _extractor()


@pytest.fixture(scope="module")
def extracted():
    return em.extract()


@pytest.fixture(scope="module")
def zh_catalog():
    return em.parse_po(em.po_path("zh").read_text(encoding="utf-8"))


# --- the catalogs ---------------------------------------------------------------------------


def test_template_holds_every_marked_string(extracted):
    messages, problems = extracted
    assert problems == [], "marks that cannot be extracted"
    assert em.render(messages) == em.POT.read_text(encoding="utf-8"), FIX


def test_every_message_has_a_chinese_translation(extracted, zh_catalog):
    messages, _problems = extracted
    assert [m.msgid for m in zh_catalog] == [m.msgid for m in messages], FIX
    untranslated = [m.msgid for m in zh_catalog if not all(m.translations)]
    assert untranslated == [], "translate these in fieldkpi/locale/zh/LC_MESSAGES/fieldkpi.po"


def test_committed_mo_is_the_po_compiled(zh_catalog):
    committed = em.po_path("zh").with_suffix(".mo").read_bytes()
    assert em.compile_mo(zh_catalog, "zh") == committed, FIX


def _placeholders(text: str) -> list[str]:
    brace = [m.group(0) for m in em.BRACE_FIELD.finditer(text)]
    return sorted(brace or [m.group(0) for m in em.PRINTF_FIELD.finditer(text)])


def test_translations_keep_the_placeholders(zh_catalog):
    wrong = [
        (m.msgid, m.translations[0])
        for m in zh_catalog
        if any(m.translations) and _placeholders(m.translations[0]) != _placeholders(m.msgid)
    ]
    assert wrong == []


def test_chinese_addresses_the_person_as_you_everywhere(zh_catalog):
    """你, never 您: a refusal to close a month said 您 where every other message says 你."""
    formal = [m.msgid for m in zh_catalog if any("您" in t for t in m.translations)]
    assert formal == []
    assert "您" not in "".join(help_sections("zh").values())


def test_translations_use_the_source_documents_terms():
    set_language("zh")
    try:
        assert _("Customer-service reps") == "客服代表"
        assert _("Field engineers") == "上门服务工程师"
        assert _("Timeliness") == "完单及时率"
        assert _("Workload") == "工作量"
        assert _("Satisfaction") == "满意度"
        assert _("Deductions") == "扣分"
        assert _("Reward") == "奖励/罚款"
        assert _("Dispatch") == "派工"
        assert _("Callback") == "回访"
        assert _("new ticket") == "受理"
        assert _("Ticket") == "工单"
    finally:
        set_language("en")


# --- the extraction script itself ------------------------------------------------------------


def test_po_text_survives_a_round_trip_and_gettext_reads_the_mo(tmp_path):
    tricky = em.Message('a "quoted" {name}\nsecond line\twith a tab\\', files=["x.py"])
    tricky.translations = ["“引号” {name}\n第二行\t制表符\\"]
    plural = em.Message("{n} ticket", "{n} tickets", ["x.py"], ["{n} 张工单"])
    text = em.render([tricky, plural], "zh")
    back = em.parse_po(text)
    assert [(m.msgid, m.plural, m.translations) for m in back] == [
        (tricky.msgid, None, tricky.translations),
        (plural.msgid, plural.plural, plural.translations),
    ]
    mo = tmp_path / "x.mo"
    mo.write_bytes(em.compile_mo(back, "zh"))
    with mo.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    assert catalog.gettext(tricky.msgid) == tricky.translations[0]
    assert catalog.ngettext("{n} ticket", "{n} tickets", 5) == "{n} 张工单"
    assert catalog.gettext("not in the catalog") == "not in the catalog"


def test_merge_keeps_translations_and_drops_what_the_code_no_longer_has():
    template = [em.Message("Save", files=["a.py"]), em.Message("New", files=["b.py"])]
    existing = [em.Message("Save", translations=["保存"]), em.Message("Gone", translations=["无"])]
    merged, dropped = em.merge(template, existing)
    assert [(m.msgid, m.files, m.translations) for m in merged] == [
        ("Save", ["a.py"], ["保存"]),
        ("New", ["b.py"], []),
    ]
    assert dropped == ["Gone"]


# --- source scans ---------------------------------------------------------------------------

MARKS = {"_", "N_", "ngettext"}
# callee name -> (positions, keywords) of the arguments a person reads
TEXT_ARGUMENTS = {
    "Label": ((0,), ("content",)),
    "Static": ((0,), ("content",)),
    "Button": ((0,), ("label",)),
    "Checkbox": ((0,), ("label",)),
    "RadioButton": ((0,), ("label",)),
    "Switch": ((), ()),
    "Markdown": ((0,), ("markdown",)),
    "Text": ((0,), ("text",)),
    "Content": ((0,), ()),
    "Input": ((), ("placeholder",)),
    "Select": ((), ("prompt",)),
    "Binding": ((2,), ("description",)),
    "notify": ((0,), ("message", "title")),
    "update": ((0,), ()),
    "add_column": ((0,), ("label",)),
    "add_columns": (tuple(range(20)), ()),
    "TabPane": ((0,), ("title",)),
    "Tab": ((0,), ("label",)),
    "Collapsible": ((), ("title",)),
    "Option": ((0,), ("prompt",)),
    "SystemCommand": ((0, 1), ()),
    "Field": ((1,), ("label", "placeholder")),  # screens.form.Field
    "fill": ((1,), ()),  # screens.tables.fill(table, labels, rows)
    "Table": ((), ("title", "caption")),
    "Panel": ((), ("title", "subtitle")),
}
ANY_CALL_KEYWORDS = ("tooltip",)
TEXT_ATTRIBUTES = {"title", "sub_title", "border_title", "border_subtitle", "SUB_TITLE", "tooltip"}
# Literals that are not words of a language: the program's name and date patterns.
NOT_WORDS = re.compile(r"fieldkpi|[YMDHS:\- ]+")


def _literals(node: ast.AST):
    """The string literals an expression shows as they are (not through ``_()``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            yield from _literals(func.value)  # "…{x}".format(x=…) without _()


def _words(node: ast.AST) -> list[str]:
    return [
        c.value
        for c in _literals(node)
        if any(ch.isalpha() for ch in c.value) and not NOT_WORDS.fullmatch(c.value.strip())
    ]


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _sources(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def unmarked_screen_text() -> list[str]:
    found = []
    for path, tree in _sources("screens"):
        for node in ast.walk(tree):
            shown: list[ast.AST] = []
            if isinstance(node, ast.Call):
                positions, keywords = TEXT_ARGUMENTS.get(_name(node.func), ((), ()))
                shown += [a for i, a in enumerate(node.args) if i in positions]
                shown += [
                    k.value
                    for k in node.keywords
                    if k.arg in keywords or k.arg in ANY_CALL_KEYWORDS
                ]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute | ast.Name)
                and (t.attr if isinstance(t, ast.Attribute) else t.id) in TEXT_ATTRIBUTES
                for t in node.targets
            ):
                shown.append(node.value)
            found += [f"{path}:{node.lineno}: {w!r}" for a in shown for w in _words(a)]
    return found


def test_no_screen_shows_a_literal_that_is_not_marked():
    assert unmarked_screen_text() == []


# Errors that mean a bug, not bad input: their text is for the developer.
PROGRAMMER_ERRORS = {
    "ValueError",
    "TypeError",
    "KeyError",
    "LookupError",
    "RuntimeError",
    "NotImplementedError",
    "AssertionError",
}
# An option name in front of a translated message.
OPTION_PREFIX = re.compile(r"--[a-z-]+: ")


def test_no_error_a_person_reads_is_left_unmarked():
    found = []
    for path, tree in _sources("fieldkpi", "storage", "screens"):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = _name(node.exc.func)
            if name in PROGRAMMER_ERRORS or not name[:1].isupper() or not node.exc.args:
                continue
            words = [w for w in _words(node.exc.args[0]) if not OPTION_PREFIX.fullmatch(w)]
            found += [f"{path}:{node.lineno}: {name}: {w!r}" for w in words]
    assert found == []


def test_nothing_is_translated_at_import_time():
    """A ``_()`` run when a module loads would freeze the language before ``--lang`` is read."""
    found = []

    def visit(node: ast.AST, path: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and _name(child.func) in {"_", "ngettext"}:
                found.append(f"{path}:{child.lineno}")
            visit(child, path)

    for path, tree in _sources("fieldkpi", "storage", "screens"):
        visit(tree, path)
    assert found == []


# --- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_comes_from_the_locale(environ, lang):
    assert language_from_env(environ) == lang


def test_set_language_switches_every_later_translation(zh):
    assert current_language() == "zh"
    assert _("Save") == "保存"
    assert ngettext("{n} tickets moved", "{n} tickets moved", 3) == "{n} tickets moved"
    set_language("en")
    assert (current_language(), _("Save")) == ("en", "Save")
    with pytest.raises(ValueError, match="unknown language"):
        set_language("fr")


def test_help_has_the_same_sections_in_both_languages():
    english, chinese = help_sections("en"), help_sections("zh")
    assert list(chinese) == list(english)
    for scope, text in chinese.items():
        assert re.search(r"[\u4e00-\u9fff]", text), scope
        words = set(re.findall(r"[A-Za-z]{3,}", re.sub(r"`[^`]*`", "", text)))
        assert words <= {"KPI", "CSV", "TOML", "Tab", "fieldkpi"}, scope


@pytest.fixture
def cli_language(monkeypatch):
    """The CLI points the stdlib's gettext (argparse) at our catalog: undo that afterwards."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    before = current_language()
    yield monkeypatch
    gettext.textdomain("messages")
    set_language(before)


def _run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_help_in_chinese(cli_language, capsys):
    status, out, _err = _run_cli(capsys, "--lang", "zh", "rank", "--help")
    assert status == 0
    assert out.startswith("用法：fieldkpi rank")
    assert "显示此帮助信息并退出" in out
    assert "输出当月排名" not in out  # that is the subcommand list of `fieldkpi --help`
    assert "写入此文件而不是标准输出" in out


def test_cli_language_from_lang_and_errors_in_chinese(cli_language, capsys):
    cli_language.setenv("LANG", "zh_CN.UTF-8")
    status, _out, err = _run_cli(capsys, "rank", "--role", "boss")
    assert status == 2
    assert "fieldkpi rank：错误：参数 --role：无效的选择：'boss'" in err
    status, out, _err = _run_cli(capsys, "--help")
    assert "输出当月排名" in out
    assert i18n.current_language() == "zh"


def test_cli_lang_flag_wins_over_the_locale(cli_language, capsys):
    cli_language.setenv("LANG", "zh_CN.UTF-8")
    status, out, _err = _run_cli(capsys, "rank", "--lang=en", "--help")
    assert (status, out.startswith("usage: fieldkpi rank")) == (0, True)
    assert "write to this file instead of standard output" in out
