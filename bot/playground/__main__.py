"""`python -m bot.playground`: chat with the bot in the terminal; no Telegram, no cloud, no Redis install.

Interactive: `/send path/to/clip.mp4` sends a file; anything else is what you would type in Telegram, and
typing a button's label ("retry") presses it.
Scripted: `--send IN.mp4 --say "trim the silences and add background music" --say export --out OUT.mp4`.
With `--demo` and no `--send`, a generated sample clip is sent first.
The playground works in a temporary folder, removed at the end unless `--keep` (or `--folder`) is given.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.playground.chat import PlaygroundChat
from bot.playground.demo import make_demo_clip
from bot.playground.stack import start_stack
from bot.startup import StartupError, check_writable, run

REPLY_TIMEOUT_S = 900.0


def show(event: dict[str, Any]) -> None:
    """Print one thing the bot said."""
    if event["type"] == "video":
        print(
            f"bot> 🎬 {event['caption']} → {event['path']} ({event['width']}x{event['height']}, "
            f"{event['duration']:.1f} s)"
        )
        return
    if event["type"] == "document":
        print(f"bot> 📄 {event['caption']} → {event['path']}")
        sys.stdout.flush()
        return
    prefix = "bot (updated)>" if event["type"] == "edit" else "bot>"
    print(f"{prefix} {event['text']}")
    if event.get("buttons"):
        print("     " + "  ".join(f"[{label}]" for label in event["buttons"]))
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.playground",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--send", action="append", default=[], type=Path, help="a file to send (repeatable)")
    parser.add_argument("--say", action="append", default=[], help="a message to type (repeatable, in order)")
    parser.add_argument("--out", type=Path, help="where to write the delivered MP4")
    parser.add_argument(
        "--folder", type=Path, help="keep the playground's data here (default: a temp folder)"
    )
    parser.add_argument("--demo", action="store_true", help="send a generated sample clip first")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (logs, uploads, renders) at the end"
    )
    args = parser.parse_args(argv)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="playground-"))
    try:
        return _run(args, folder)
    finally:
        if args.folder is None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        elif folder.is_dir():
            print(f"The playground's files (logs, uploads, renders) are in {folder}")


def _run(args: argparse.Namespace, folder: Path) -> int:
    try:
        check_writable(folder, "--folder")
    except StartupError as exc:
        raise StartupError(f"{exc} (choose another --folder)") from None
    if args.demo and not args.send:
        args.send = [make_demo_clip(folder / "sample clip.mp4")]
    print(f"Starting the playground in {folder} …", flush=True)
    stack = start_stack(folder)
    try:
        chat = PlaygroundChat(stack.redis_server.client(), stack.settings, show)
        if args.send or args.say:
            return _scripted(chat, args.send, args.say, args.out)
        return _interactive(chat)
    except KeyboardInterrupt:
        return 130
    except TimeoutError as exc:
        print(f"playground: {exc}\n{stack.logs()}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


def _scripted(chat: PlaygroundChat, files: list[Path], lines: list[str], out: Path | None) -> int:
    for path in files:
        print(f"you> (sends {path.name})")
        if (request_id := chat.send_file(path)) is not None:
            chat.wait(request_id, REPLY_TIMEOUT_S)
    for line in lines:
        print(f"you> {line}")
        if (request_id := chat.say(line)) is not None:
            chat.wait(request_id, REPLY_TIMEOUT_S)
    chat.drain(1.0)
    if out is not None:
        if not chat.videos:
            print("playground: no video was delivered", file=sys.stderr)
            return 1
        shutil.copyfile(chat.videos[-1], out)
        print(f"Saved {out}")
    return 0


def _interactive(chat: PlaygroundChat) -> int:
    # With readline, input() edits the line itself, so a pasted line is read whole: the terminal's own
    # line editing stops at 4095 characters and would cut a long message silently.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
    print(
        'Type what you would write in Telegram. "/send path/to/clip.mp4" sends a file; typing a button\'s '
        "label presses it; Ctrl-D quits."
    )
    chat.say("/start")
    chat.drain(0.5)
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            return 0
        if not line:
            chat.drain(0.2)
            continue
        if line.startswith("/send "):
            path = Path(line.removeprefix("/send ").strip().strip("'\""))
            if not path.is_file():
                print(f"No such file: {path}")
                continue
            request_id = chat.send_file(path)
        else:
            request_id = chat.say(line)
        if request_id is not None:
            chat.wait(request_id, REPLY_TIMEOUT_S)
        chat.drain(0.2)


if __name__ == "__main__":
    run("playground", lambda: sys.exit(main()))
