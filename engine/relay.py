"""One `/run_sse` turn, relayed as server-sent events: the typed payloads of the profile, heartbeats between.

The turn runs in its own thread and saves its edits even if the client goes away (the profile's disconnect
recovery reads state afterwards); the stream only relays its events, and held credits are settled however it
ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from engine.errors import EngineError
from engine.media import MediaInfo
from engine.settings import EngineSettings
from engine.store import SessionRecord, Store
from engine.summary import draft_lines
from engine.turn import Heartbeat, NewDraft, TextOut, ToolCall, ToolResult, TurnEvent, UndoRequest
from engine.words import say

log = logging.getLogger(__name__)

TurnRunner = Callable[[str, str, dict[str, Any], Sequence[MediaInfo], Path], Iterator[TurnEvent]]
_END = object()


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

    def start(self) -> AsyncIterator[str]:
        """Start the turn now (held credits are settled however the stream ends) and return its stream."""
        threading.Thread(target=self._run, name="engine-turn", daemon=True).start()
        return self._stream()

    def _emit(self, item: object) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed at shutdown: nobody listens any more
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    async def _stream(self) -> AsyncIterator[str]:
        settings = self.settings
        deadline = self.loop.time() + settings.turn_timeout_s
        while self.loop.time() < deadline:
            try:
                item = await asyncio.wait_for(self.queue.get(), settings.heartbeat_interval_s)
            except TimeoutError:
                item = {"type": "heartbeat"}
            if item is _END:
                return
            yield f"data: {json.dumps(item, ensure_ascii=False)}\n\n"
        yield f"data: {json.dumps({'error': 'the turn took too long'})}\n\n"

    def _run(self) -> None:
        store, session, settings = self.store, self.session, self.settings
        edited = False
        try:
            events = self.run_turn(
                self.text, session.language, session.draft, list(session.media.values()), settings.data_dir
            )
            for event in events:
                if isinstance(event, NewDraft):
                    store.update_session(
                        session.session_id, partial(SessionRecord.with_draft, draft=event.draft)
                    )
                    edited = True
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
        self.store.update_session(self.session.session_id, lambda latest: latest.undone() or latest)
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
