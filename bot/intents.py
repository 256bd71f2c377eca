"""What a message asks for: export, credits, status, upload, or an edit for the backend's agent.

The first four are answered without the agent (profile §5: "export" must never reach the stream); all
else is an edit. The route is decided by a linear model over character and word n-grams
(`bot/textmodel.py`), trained on the labelled corpus in `data/corpus/` — thousands of messages in English,
Devanagari Hindi and romanized Hinglish, including edits that merely mention a route word ("export ke
pehle music add karo", "remove the part where I say download"). Measured, not guessed:
`python -m bench.routing_accuracy`.

On the cloud an edit spends credits, so a guess is costly both ways: when the model is torn between an
action and an edit, the route is `unsure` and the conversation asks with buttons instead of choosing.
Commands typed without a slash ("help", "madad", "ruko", "naya project") are whole-message matches from
`data/commands.json`, tried before the model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, cast, get_args

from bot import textmodel
from bot.models import Intent

COMMANDS_PATH = Path(__file__).resolve().parent / "data" / "commands.json"
ROUTES: tuple[Intent, ...] = get_args(Intent)
PlainCommand = Literal["help", "retry", "cancel", "new", "language"]

# An action below this share, with an edit above EDIT_DOUBT, is asked about; and the other way round.
ACTION_SURE = 0.75
EDIT_DOUBT = 0.15
EDIT_SURE = 0.6
ACTION_DOUBT = 0.3
_NOT_A_WORD = re.compile(r"[^\w\u0900-\u0963\u0970-\u097f' ]+")


@dataclass(frozen=True)
class Route:
    """The route of a message, how sure the model is, and whether to ask before acting on it.

    When `unsure`, `intent` is the action the question offers (export, credits, status, upload); the other
    choice is always "it's an edit".
    """

    intent: Intent
    confidence: float
    unsure: bool = False


@dataclass(frozen=True)
class Commands:
    """The slash commands that route like messages, and the plain-word commands."""

    slash: dict[str, Intent]
    plain: dict[str, PlainCommand]
    fillers: frozenset[str]


def _intent(name: str) -> Intent:
    if name not in ROUTES:
        raise ValueError(f"{COMMANDS_PATH.name}: unknown intent {name!r}")
    return name


def _plain(name: str) -> PlainCommand:
    if name not in get_args(PlainCommand):
        raise ValueError(f"{COMMANDS_PATH.name}: unknown plain command {name!r}")
    return cast(PlainCommand, name)


@cache
def commands() -> Commands:
    """The command table, read once."""
    table = json.loads(COMMANDS_PATH.read_text(encoding="utf-8"))
    slash = {word: _intent(name) for name, words in table["slash"].items() for word in words}
    plain = {
        _squeeze(textmodel.normalize(phrase)): _plain(name)
        for name, phrases in table["plain"].items()
        for phrase in phrases
    }
    return Commands(slash=slash, plain=plain, fillers=frozenset(table["fillers"]))


def _squeeze(text: str) -> str:
    return " ".join(_NOT_A_WORD.sub(" ", text).split())


def route(text: str) -> Route:
    """The route of a typed message, with the model's confidence and whether it is worth a question."""
    model = textmodel.load()
    shares = model.route.probabilities(model.indices(text))
    best = max(ROUTES, key=shares.__getitem__)
    edit = shares["edit"]
    if best != "edit":
        return Route(best, shares[best], unsure=shares[best] < ACTION_SURE and edit > EDIT_DOUBT)
    action = max((r for r in ROUTES if r != "edit"), key=shares.__getitem__)
    if edit < EDIT_SURE and shares[action] > ACTION_DOUBT:
        return Route(action, shares[action], unsure=True)
    return Route("edit", edit)


def classify_intent(text: str) -> Intent:
    """The most likely intent of a typed message (the conversation also looks at `route(...).unsure`)."""
    return route(text).intent


def plain_command(text: str) -> PlainCommand | None:
    """The command a whole message names without a slash ("help", "dobara", "band karo"), or None."""
    table = commands()
    words = [word for word in _squeeze(textmodel.normalize(text)).split() if word not in table.fillers]
    return table.plain.get(" ".join(words)) if words else None


def command_intent(command: str) -> Intent | None:
    """The intent of a slash command (`/export`, `export@SomeBot`), or None for commands of other kinds."""
    name = command.strip().lstrip("/").split("@", 1)[0].lower()
    return commands().slash.get(name)
