"""Questions about unclear messages: "Export now?" [Export] [It's an edit].

On the cloud an edit spends credits and an export spends none but ends the editing, so when the router is
torn between an action and an edit (`Route.unsure`) the bot asks instead of guessing. The words of the
message are kept as an unqueued edit request under the message's own request id; the two buttons name
that id. Button data comes from the client and may be forged or pressed twice, so an answer counts only
for a question of this chat, only once, and only from the person who asked or a group admin; the edit
then runs as the presser, so the group's spending rules apply to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import keyboards
from bot.i18n import translate
from bot.models import IncomingMessage, Intent, Request
from bot.outbox import Keyboard
from bot.requests import RequestStore

Choice = Literal["export", "credits", "status", "upload", "edit"]
_CHOICES: tuple[Choice, ...] = ("export", "credits", "status", "upload", "edit")


@dataclass(frozen=True)
class Question:
    """The question to send: its text and its two buttons."""

    text: str
    keyboard: Keyboard


@dataclass(frozen=True)
class Answer:
    """A valid first answer: what the user chose, and the edit request that was asked about."""

    choice: Choice
    asked: Request


class Questions:
    """Keeps the words of unclear messages until the user says what they meant."""

    def __init__(self, requests: RequestStore) -> None:
        self.requests = requests

    def ask(self, asked: Request, action: Intent) -> Question:
        """Keep `asked` (an edit, not queued) and phrase the question in its language."""
        self.requests.save(asked)
        question, _label = keyboards.CONFIRM_KEYS[action]
        return Question(
            translate(asked.lang, question), keyboards.confirm(asked.lang, action, asked.request_id)
        )

    def answer(
        self, message: IncomingMessage, data: str, answer_id: str
    ) -> Answer | Literal["not_yours"] | None:
        """The answer in a button's `data` (after the prefix); None for a stale, foreign or repeated one."""
        choice, _, asked_id = data.partition(":")
        asked = self.requests.load(asked_id)
        chosen = next((known for known in _CHOICES if known == choice), None)
        if asked is None or chosen is None or asked.chat.key != message.chat.key:
            return None
        if message.user_id != asked.user_id and not message.is_admin:
            return "not_yours"
        # The first answer holds the question; a redelivery of that same answer is still that answer.
        if not self.requests.claim_for(asked_id, "answered_by", answer_id):
            return None
        presser = {
            "request_id": answer_id,
            "user_id": message.user_id,
            "user_name": message.user_name,
            "by_admin": message.is_admin,
        }
        return Answer(chosen, asked.model_copy(update=presser))
