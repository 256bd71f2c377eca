"""One `/run_sse` turn, relayed as server-sent events: the typed payloads of the profile, heartbeats between.

The turn runs in its own thread and saves its edits even if the client goes away (the profile's disconnect
recovery reads state afterwards); the stream only relays its events, and held credits are settled however it
ends. One deadline (`ENGINE_TURN_TIMEOUT_S`) holds for both: the turn is given it (a transcription is not
waited for past it), and once the stream has told the client the turn took too long, the turn saves
nothing (the client was told it failed; a later "status" must not show an edit it never heard of).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from engine.errors import EngineError
from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.store import SessionRecord, Store
from engine.summary import draft_lines
from engine.turn import Heartbeat, NewDraft, TextOut, ToolCall, ToolResult, TurnEvent, UndoRequest
from engine.words import say

log = logging.getLogger(__name__)

_END = object()


class TurnRunner(Protocol):
    """`engine.turn.run_turn` with its tools bound: text, language, draft, uploads, data folder, and the
    `time.monotonic()` instant the stream gives up."""

    def __call__(
        self,
        text: str,
        lang: str,
        draft: dict[str, Any],
        media: Sequence[MediaInfo],
        data_dir: Path,
        *,
        deadline: float,
    ) -> Iterator[TurnEvent]: ...


class TurnRelay:
    """One `/run_sse` turn. It runs in its own thread and saves its edits even if the client goes away
    (the profile's disconnect recovery reads state afterwards); the stream only relays its events."""

    def __init__(
        self,
        settings: EngineSettings,
        store: Store,
        run_turn: TurnRunner,
        session: SessionRecord,
        text: str,
        held: int,
    ) -> None:
        self.settings, self.store, self.run_turn = settings, store, run_turn
        self.session, self.text, self.held = session, text, held
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.deadline = time.monotonic() + settings.turn_timeout_s
        # saving an edit and giving up on the turn exclude each other: whichever comes first wins
        self._outcome = threading.Lock()
        self._saved = self._expired = False

    def start(self) -> AsyncIterator[str]:
        """Start the turn now (held credits are settled however the stream ends) and return its stream."""
        threading.Thread(target=self._run, name="engine-turn", daemon=True).start()
        return self._stream()

    def _emit(self, item: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed at shutdown: nobody listens any more
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    async def _stream(self) -> AsyncIterator[str]:
        beat_s = self.settings.heartbeat_interval_s
        while True:
            left_s = self.deadline - time.monotonic()
            if left_s <= 0 and self._give_up():
                yield f"data: {json.dumps({'error': 'the turn took too long'})}\n\n"
                return
            try:
                item = await asyncio.wait_for(
                    self.queue.get(), beat_s if left_s <= 0 else min(beat_s, left_s)
                )
            except TimeoutError:
                if time.monotonic() < self.deadline or self._saved:
                    yield f"data: {json.dumps({'type': 'heartbeat'})}\n\n"
                continue
            if item is _END:
                return
            yield f"data: {json.dumps(item, ensure_ascii=False)}\n\n"

    def _give_up(self) -> bool:
        """At the deadline: the turn is over for the client, unless it already saved its edit (then its
        last events are on their way, and the stream relays them)."""
        with self._outcome:
            self._expired = not self._saved
            return self._expired

    def _save(self, change: Any) -> bool:
        """Apply `change` to the session unless the client was told the turn timed out; whether it was."""
        with self._outcome:
            if self._expired:
                return False
            self.store.update_session(self.session.session_id, change)
            self._saved = True
            return True

    def _run(self) -> None:
        store, session, settings = self.store, self.session, self.settings
        edited = False
        try:
            events = self.run_turn(
                self.text,
                session.language,
                session.draft,
                list(session.media.values()),
                settings.data_dir,
                deadline=self.deadline,
            )
            for event in events:
                if isinstance(event, NewDraft):
                    edited = self._save(partial(SessionRecord.with_draft, draft=event.draft))
                    if not edited:
                        log.warning(
                            "turn in session %s ended after its deadline: edit dropped", session.session_id
                        )
                elif isinstance(event, UndoRequest):
                    self._emit(_wire(TextOut(self._undo(event.lang))))
                else:
                    self._emit(_wire(event))
        except EngineError as error:
            self._emit({"error": str(error)})
        except Exception:
            log.exception("turn failed in session %s", session.session_id)
            self._emit({"error": "the engine failed on this turn"})
        finally:
            if self.held:
                store.settle(session.user_id, self.held, charge=edited)
            self._emit(_END)

    def _undo(self, lang: str) -> str:
        """Restore the draft before the last edit; the sentence that says what came off and what came back."""
        current = self.store.session(self.session.session_id)
        previous = current.undone() if current is not None else None
        if current is None or previous is None:
            return say(lang, "edit.nothing_to_undo")
        if not self._save(lambda latest: latest.undone() or latest):
            return say(lang, "edit.nothing_to_undo")
        now, then = draft_lines(current.draft, lang) or [], draft_lines(previous.draft, lang) or []
        lines = [say(lang, "edit.undo_removed", part=part) for part in now if part not in then]
        lines += [say(lang, "edit.undo_restored", part=part) for part in then if part not in now]
        return say(lang, "edit.undo_what", changes="\n".join(lines)) if lines else say(lang, "edit.undo")


def _wire(event: TurnEvent) -> dict[str, Any]:
    """A turn event as the profile's typed SSE payload."""
    if isinstance(event, TextOut):
        return {"type": "text", "content": event.text}
    if isinstance(event, ToolCall):
        return {"type": "tool_call", "name": event.name, "args": event.args}
    if isinstance(event, ToolResult):
        return {"type": "tool_result", "name": event.name, "result": event.result}
    if isinstance(event, Heartbeat):
        return {"type": "heartbeat"}
    raise TypeError(f"not a wire event: {event!r}")
