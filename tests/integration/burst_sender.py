"""One of several processes sending a burst through the worker's outgoing path (`open_outbox`).

    python -m tests.integration.burst_sender PLAN.json

Settings (bot token, Telegram URLs, Redis URL and rates) come from the environment, as in a worker. The
plan lists the messages in order and names a Redis list on which the test releases all the processes at
once, so that the burst is simultaneous and not staggered by start-up times. Every chat gets its own thread
(as many jobs of a worker pool would), sending that chat's messages in the plan's order: the only thing
holding the messages back is the shared limiter. Exits 0 once every message was accepted; a send error ends
the process with its traceback.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from redis import Redis

from bot.models import ChatRef
from bot.outbox import Outbox
from bot.settings import Settings
from worker.context import open_outbox

_START_TIMEOUT_S = 30


def main(plan_path: Path) -> int:
    """Wait for the start signal, send the plan's messages in order, and report how it went."""
    plan = json.loads(plan_path.read_text())
    settings = Settings()
    outbox = open_outbox("telegram", settings, Redis.from_url(settings.redis_url))
    coordination = Redis.from_url(plan["coordination_url"])
    coordination.rpush(plan["ready_key"], plan["name"])
    if coordination.blpop([plan["go_key"]], timeout=_START_TIMEOUT_S) is None:
        print("no start signal", file=sys.stderr)
        return 2
    by_chat: dict[int, list[str]] = {}
    for chat_id, text in plan["messages"]:
        by_chat.setdefault(chat_id, []).append(text)
    with ThreadPoolExecutor(max_workers=len(by_chat)) as pool:
        sends = [pool.submit(send_in_order, outbox, chat_id, texts) for chat_id, texts in by_chat.items()]
        for send in sends:
            send.result()
    outbox.close()
    print(f"{plan['name']}: sent {len(plan['messages'])}")
    return 0


def send_in_order(outbox: Outbox, chat_id: int, texts: list[str]) -> None:
    """One chat's messages, one after the other (negative ids are groups, as in Telegram)."""
    chat = ChatRef(chat_id=chat_id, is_group=chat_id < 0)
    for text in texts:
        outbox.send_text(chat, text)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
