"""GUI-text translation: the backend's agent writes as if its web editor were on screen (profile §5).

"Click [Export]", "open the Timeline panel", "drag the clip", "点击导出": none of it exists in a chat. Each
sentence holding such an instruction is replaced with what the user can do here instead (type "export",
type "status", say the change in a message, send the file), in the session's language, from the catalogs.
The flags tell the caller to offer the Export or Timeline button with the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import translate

# Sentences end at . ! ? ; (followed by a space), at Chinese punctuation and commas, at the Devanagari
# danda, and at line breaks. The separators are kept, so untouched text comes back exactly as it was.
_SENTENCE_END = re.compile(r"((?<=[.!?;])[ \t]+|(?<=[。！？；，।])[ \t]*|\n+)")
_CLICK_VERB = r"\b(?:click|tap|press|hit|select)(?:\s+on)?\s+(?:the\s+)?"
_GLITCH = re.compile(
    r"\s*(?:sorry[,!.]?\s*)?I(?:(?:'|’)ve| have)? encountered a temporary issue\b.*\Z",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class GuiText:
    """A backend message made fit for a chat, and whether it pointed at export or at the timeline."""

    text: str
    wants_export: bool = False
    wants_status: bool = False


@dataclass(frozen=True)
class _Rule:
    group: str  # one hint per group and sentence; "click" only when nothing more specific matched
    key: str
    pattern: re.Pattern[str]


def _rule(group: str, key: str, pattern: str) -> _Rule:
    return _Rule(group, key, re.compile(pattern, re.IGNORECASE))


_RULES = (
    _rule(
        "export",
        "gui.export_hint",
        rf"\[\s*export\s*\]|\bexport\s+button\b|{_CLICK_VERB}[\"“'\[(]?export\b|导出|एक्सपोर्ट\s*(?:बटन|button)",
    ),
    _rule(
        "status",
        "gui.status_hint",
        r"\bpreview\b[^.!?\n]{0,40}\btimeline\b|时间线[中上里]?预览|预览时间线|टाइमलाइन\s+में\s+(?:प्रीव्यू|देख)",
    ),
    _rule(
        "status",
        "gui.status_hint",
        r"\bopen\s+(?:the\s+|your\s+)?(?:\[[^\]]+\]|(?:\w+\s+){0,2}(?:panel|tab|view|timeline|editor|sidebar|"
        r"inspector|window|menu)\b)|打开|खोल(?:ें|िए|ो)",
    ),
    _rule(
        "drag",
        "gui.upload_hint",
        r"\b(?:drag|drop)\b[^.!?\n]*\b(?:files?|videos?|footage|media|uploads?)\b|(?:拖拽|拖动|拖)[^。！？]*上传",
    ),
    _rule("drag", "gui.edit_hint", r"\bdrag(?:ging|ged)?\b|\bdrop\s+(?:it|them)\b|拖拽|拖动|ड्रैग|खींच"),
    _rule(
        "click",
        "gui.click_hint",
        rf"{_CLICK_VERB}(?:\[([^\]]+)\]|[\"“]([^\"”]+)[\"”]|(\w+)\s+button\b)|点击\s*[【\[“\"「]([^】\]”\"」]+)",
    ),
    _rule("click", "gui.edit_hint", r"\bclick(?:ing)?\b|\btap\s+on\b|点击|क्लिक"),
)


def _hints(sentence: str) -> list[tuple[str, str]]:
    """The (catalog key, button label) hints that replace one sentence; empty when it has no GUI talk."""
    found: list[tuple[str, str]] = []
    groups: set[str] = set()
    for rule in _RULES:
        if rule.group in groups or (rule.group == "click" and found):
            continue
        match = rule.pattern.search(sentence)
        if match:
            groups.add(rule.group)
            found.append((rule.key, next((label.strip() for label in match.groups() if label), "")))
    return found


def translate_gui_text(text: str, lang: str) -> GuiText:
    """Rewrite the GUI instructions in a backend message into what the user can do in the chat."""
    parts = _SENTENCE_END.split(text)
    said: set[tuple[str, str]] = set()
    pieces: list[str] = []
    for index in range(0, len(parts), 2):
        sentence, separator = parts[index], "".join(parts[index + 1 : index + 2])
        hints = _hints(sentence)
        if not hints:
            pieces.append(sentence + separator)
            continue
        new = [hint for hint in hints if hint not in said]
        said.update(hints)
        if new:
            pieces.append(" ".join(translate(lang, key, action=label) for key, label in new) + separator)
    if not said:
        return GuiText(text)
    keys = {key for key, _ in said}
    return GuiText("".join(pieces).rstrip(), "gui.export_hint" in keys, "gui.status_hint" in keys)


def strip_trailing_glitch(texts: list[str]) -> list[str]:
    """Drop a trailing "I encountered a temporary issue" that follows normal text (profile §3).

    When the glitch is all the backend said, it is kept: then it is the news.
    """
    kept = list(texts)

    def has_normal_text(items: list[str]) -> bool:
        return any(item.strip() and not _GLITCH.match(item) for item in items)

    while len(kept) > 1 and (not kept[-1].strip() or _GLITCH.match(kept[-1])) and has_normal_text(kept[:-1]):
        kept.pop()
    if kept and (match := _GLITCH.search(kept[-1])) and kept[-1][: match.start()].strip():
        kept[-1] = kept[-1][: match.start()].rstrip()
    return kept
