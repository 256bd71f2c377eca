"""The fake Bot API, driven by python-telegram-bot's own `Bot`: PTB must accept every reply and raise the
error class Telegram's real reply would make it raise."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import imageio_ffmpeg
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from tests.fakes.telegram_api import GROUP_ANONYMOUS_BOT, Admin, FakeTelegram, User
from tests.fakes.telegram_fixtures import fake_telegram_local as fake_telegram_local

pytestmark = pytest.mark.integration

T = TypeVar("T")
CHAT = 4242
GROUP = -5151
FORUM = -1009876543210


class ManualClock:
    """Flood-control time that only moves when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 23's timedelta durations; PTB 22 otherwise warns (an error here) on every duration."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=clock, upload_limit_bytes=200_000) as server:
        yield server


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1 s, 160x120 H.264 clip with a tone."""
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    sources = ["testsrc=size=160x120:rate=10:duration=1", "sine=frequency=440:duration=1"]
    inputs = [arg for src in sources for arg in ("-f", "lavfi", "-i", src)]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]
    _ffmpeg(*inputs, *codecs, str(path))
    return path


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 96x64 JPEG, used as a photo and as a thumbnail."""
    path = tmp_path_factory.mktemp("media") / "thumb.jpg"
    _ffmpeg("-f", "lavfi", "-i", "color=c=red:size=96x64", "-frames:v", "1", str(path))
    return path


def _ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args], check=True, timeout=60)


def run(fake: FakeTelegram, scenario: Callable[[Bot], Awaitable[T]], *, local_mode: bool = False) -> T:
    """Run `scenario` with a PTB Bot pointed at the fake."""

    async def main() -> T:
        bot = Bot(
            fake.token, base_url=fake.api_base_url, base_file_url=fake.file_base_url, local_mode=local_mode
        )
        async with bot:
            return await scenario(bot)

    return asyncio.run(main())


def known_chat(fake: FakeTelegram, chat_id: int = CHAT) -> int:
    fake.add_chat(chat_id)
    return chat_id


# --- getMe, tokens, long polling -----------------------------------------------------------------


def test_get_me_describes_the_bot_whose_token_is_used(fake: FakeTelegram) -> None:
    me = run(fake, lambda bot: bot.get_me())
    assert (me.id, me.username, me.is_bot) == (fake.bot.id, "nemo_test_bot", True)


def test_a_wrong_token_is_unauthorized_and_not_echoed_by_the_server(fake: FakeTelegram) -> None:
    async def scenario() -> None:
        async with Bot("999:wrong-secret", base_url=fake.api_base_url) as bot:
            await bot.get_me()

    with pytest.raises(InvalidToken):
        asyncio.run(scenario())
    reply = httpx.get(f"{fake.api_base_url}999:wrong-secret/getMe")
    assert (reply.status_code, reply.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert fake.error_count(401) == 2


def test_a_long_poll_returns_as_soon_as_a_user_writes(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> tuple[Any, float]:
        started = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(timeout=10, read_timeout=15))
        await asyncio.to_thread(fake.wait_for_poll)
        fake.send_text(CHAT, "/start hello @somebody", user=User(CHAT, language_code="hi"))
        return await poll, time.monotonic() - started

    updates, elapsed = run(fake, scenario)
    assert elapsed < 5
    message = updates[0].message
    assert message.text == "/start hello @somebody"
    assert message.from_user.language_code == "hi"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bot_command", 0, 6),
        ("mention", 13, 9),
    ]


def test_a_long_poll_with_nothing_to_deliver_waits_out_its_timeout(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> tuple[Any, float]:
        started = time.monotonic()
        return await bot.get_updates(timeout=1), time.monotonic() - started

    updates, elapsed = run(fake, scenario)
    assert updates == ()
    assert 0.9 <= elapsed < 4


def test_the_offset_confirms_earlier_updates_and_redeliver_repeats_one(fake: FakeTelegram) -> None:
    first = fake.send_text(CHAT, "one")
    second = fake.send_text(CHAT, "two")

    async def scenario(bot: Bot) -> list[list[int]]:
        seen = [[u.update_id for u in await bot.get_updates()]]
        seen.append([u.update_id for u in await bot.get_updates(offset=second + 1)])
        fake.redeliver(first)
        seen.append([u.update_id for u in await bot.get_updates(offset=second + 1)])
        seen.append([u.update_id for u in await bot.get_updates(offset=first + 1)])
        return seen

    assert run(fake, scenario) == [[first, second], [], [first], []]
    assert fake.state.is_confirmed(first)


def test_allowed_updates_leaves_out_other_kinds(fake: FakeTelegram) -> None:
    fake.send_text(CHAT, "ignored by a bot that only wants buttons")

    async def scenario(bot: Bot) -> tuple[Any, ...]:
        sent = await bot.send_message(CHAT, "pick", reply_markup=_keyboard("lang:hi"))
        fake.press_button(CHAT, sent.message_id, "lang:hi")
        return await bot.get_updates(allowed_updates=["callback_query"])

    updates = run(fake, scenario)
    assert [u.callback_query.data for u in updates] == ["lang:hi"]


def test_a_second_poller_terminates_the_first_with_a_conflict(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.to_thread(fake.wait_for_poll)
        async with Bot(fake.token, base_url=fake.api_base_url) as second_instance:
            assert await second_instance.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first

    run(fake, scenario)


def test_dropping_pending_updates_empties_the_queue(fake: FakeTelegram) -> None:
    fake.send_text(CHAT, "sent while the bot was down")

    async def scenario(bot: Bot) -> tuple[int, int]:
        before = (await bot.get_webhook_info()).pending_update_count
        await bot.delete_webhook(drop_pending_updates=True)
        return before, (await bot.get_webhook_info()).pending_update_count

    assert run(fake, scenario) == (1, 0)


def test_get_updates_conflicts_with_an_active_webhook(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
        await bot.get_updates()

    with pytest.raises(Conflict):
        run(fake, scenario)


# --- sending, keyboards, buttons -----------------------------------------------------------------


def _keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


def test_a_message_with_an_inline_keyboard_is_recorded_and_its_buttons_can_be_pressed(
    fake: FakeTelegram,
) -> None:
    fake.send_text(CHAT, "hi", user=User(CHAT, first_name="Asha"))

    async def scenario(bot: Bot) -> tuple[Any, Any]:
        sent = await bot.send_message(
            CHAT, "<b>Language?</b>", parse_mode="HTML", reply_markup=_keyboard("en", "hi")
        )
        update_id = fake.press_button(CHAT, sent.message_id, "hi")
        updates = await bot.get_updates(offset=update_id)
        query: Any = updates[0].callback_query
        assert await query.answer("ok")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer("again")
        return sent, query

    sent, query = run(fake, scenario)
    assert sent.message_id == 2  # message ids count per chat: the user's "hi" was 1
    recorded = fake.messages(CHAT)[0]
    assert (recorded.text, recorded.parse_mode, recorded.callback_data) == (
        "<b>Language?</b>",
        "HTML",
        ["en", "hi"],
    )
    assert query.message.message_id == sent.message_id
    assert query.from_user.id == CHAT
    with pytest.raises(ValueError, match="no button"):
        fake.press_button(CHAT, sent.message_id, "fr")


def test_editing_replaces_the_text_and_drops_the_keyboard_unless_given_again(fake: FakeTelegram) -> None:
    known_chat(fake)

    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "Uploading… 10%", reply_markup=_keyboard("cancel"))
        await bot.edit_message_text("Uploading… 50%", CHAT, sent.message_id, reply_markup=_keyboard("cancel"))
        await bot.edit_message_text("Done", CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Done", CHAT, sent.message_id)
        await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("Gone", CHAT, sent.message_id)

    run(fake, scenario)
    assert fake.messages(CHAT) == []
    edited = fake.wait_for(lambda m: m.deleted)
    assert (edited.text, edited.edits, edited.buttons) == ("Done", ("Uploading… 10%", "Uploading… 50%"), ())


def test_replies_carry_the_message_they_answer_and_keyboards_can_be_swapped(fake: FakeTelegram) -> None:
    fake.send_text(CHAT, "make it shorter")

    async def scenario(bot: Bot) -> tuple[Any, Any]:
        answer = await bot.send_message(
            CHAT, "Which part?", reply_to_message_id=1, reply_markup=_keyboard("a")
        )
        await bot.edit_message_reply_markup(CHAT, answer.message_id, reply_markup=_keyboard("b"))
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_reply_markup(CHAT, answer.message_id, reply_markup=_keyboard("b"))
        fake.send_text(CHAT, "the start", reply_to=answer.message_id)
        updates = await bot.get_updates()
        return answer, updates[-1].message

    answer, user_reply = run(fake, scenario)
    assert answer.reply_to_message.text == "make it shorter"
    assert fake.messages(CHAT)[0].callback_data == ["b"]
    assert (user_reply.reply_to_message.message_id, user_reply.reply_to_message.text) == (2, "Which part?")


def test_send_video_uploads_the_bytes_thumbnail_and_metadata(
    fake: FakeTelegram, clip: Path, picture: Path
) -> None:
    known_chat(fake)

    async def scenario(bot: Bot) -> Any:
        with clip.open("rb") as video, picture.open("rb") as thumbnail:
            return await bot.send_video(
                CHAT,
                video,
                caption="Your edit",
                width=160,
                height=120,
                duration=1,
                supports_streaming=True,
                thumbnail=thumbnail,
                filename="edit.mp4",
            )

    message = run(fake, scenario)
    (sent,) = fake.videos(CHAT)
    assert sent.media is not None
    assert sent.media.data == clip.read_bytes()
    assert sent.media.thumbnail == picture.read_bytes()
    assert (sent.media.width, sent.media.height, sent.media.duration) == (160, 120, 1)
    assert sent.media.supports_streaming
    assert (sent.text, sent.media.file_name) == ("Your edit", "edit.mp4")
    assert (message.video.width, message.video.file_size, message.caption) == (
        160,
        clip.stat().st_size,
        "Your edit",
    )


def test_a_video_sent_by_file_id_is_recorded_as_a_reference(fake: FakeTelegram, clip: Path) -> None:
    known_chat(fake)
    stored = fake.register_file(clip, "videos")
    run(fake, lambda bot: bot.send_video(CHAT, stored.file_id))
    (sent,) = fake.videos(CHAT)
    assert sent.media is not None
    assert (sent.media.reference, sent.media.data) == (stored.file_id, None)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        run(fake, lambda bot: bot.send_video(CHAT, "no-such-file-id"))


def test_a_users_video_can_be_fetched_with_get_file(fake: FakeTelegram, clip: Path) -> None:
    fake.send_video(CHAT, clip, caption="cut the silence")

    async def scenario(bot: Bot) -> tuple[Any, bytes]:
        (update,) = await bot.get_updates()
        message: Any = update.message
        file = await message.video.get_file()
        return message, bytes(await file.download_as_bytearray())

    message, data = run(fake, scenario)
    assert (message.video.width, message.video.height, message.video.duration.seconds) == (160, 120, 1)
    assert (message.video.mime_type, message.video.file_name, message.caption) == (
        "video/mp4",
        "clip.mp4",
        "cut the silence",
    )
    assert data == clip.read_bytes()


def test_documents_photos_notes_animations_audio_and_albums_arrive_as_telegram_describes_them(
    fake: FakeTelegram, clip: Path, picture: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    fake.send_document(CHAT, pdf)
    fake.send_video(CHAT, clip, as_document=True)
    fake.send_photo(CHAT, picture)
    fake.send_video_note(CHAT, clip)
    fake.send_animation(CHAT, clip)
    fake.send_audio(CHAT, clip)
    album = fake.send_media_group(CHAT, [clip, picture], caption="both")

    messages: list[Any] = [u.message for u in run(fake, lambda bot: bot.get_updates())]
    pdf_doc, video_doc, photo, note, animation, audio, *album_messages = messages
    assert (pdf_doc.document.mime_type, pdf_doc.document.file_name) == ("application/pdf", "brief.pdf")
    assert (video_doc.document.mime_type, video_doc.video) == ("video/mp4", None)
    assert (photo.photo[-1].width, photo.photo[-1].height) == (96, 64)
    assert (note.video_note.length, note.video_note.duration.seconds) == (160, 1)
    assert (animation.animation.width, animation.document.file_name) == (160, "clip.mp4")
    assert audio.audio.duration.seconds == 1
    assert len(album) == 2
    assert album_messages[0].media_group_id == album_messages[1].media_group_id is not None
    assert (album_messages[0].caption, album_messages[1].photo[-1].width) == ("both", 96)


# --- groups --------------------------------------------------------------------------------------


def test_groups_have_admins_anonymous_admins_and_forum_topics(fake: FakeTelegram) -> None:
    owner, helper = User(11, "Owner"), User(12, "Helper")
    fake.add_chat(FORUM, is_forum=True)
    fake.set_admins(FORUM, [Admin(owner, owner=True), Admin(helper, anonymous=True)])
    fake.send_text(FORUM, "/edit@nemo_test_bot trim", anonymous_admin=True, thread_id=7)

    async def scenario(bot: Bot) -> tuple[Any, ...]:
        (update,) = await bot.get_updates()
        message: Any = update.message
        admins = await bot.get_chat_administrators(FORUM)
        member = await bot.get_chat_member(FORUM, 99)
        await bot.send_message(FORUM, "on it", message_thread_id=message.message_thread_id)
        return message, admins, member, await bot.get_chat(FORUM)

    message, admins, member, chat = run(fake, scenario)
    assert (message.from_user.id, message.sender_chat.id) == (GROUP_ANONYMOUS_BOT.id, FORUM)
    assert (message.message_thread_id, message.entities[0].length) == (7, 19)
    assert [(a.status, a.is_anonymous) for a in admins] == [("creator", False), ("administrator", True)]
    assert member.status == "member"
    assert (chat.type, chat.is_forum) == ("supergroup", True)
    assert fake.messages(FORUM)[0].message_thread_id == 7


# --- Telegram's limits ---------------------------------------------------------------------------


def test_over_long_text_bad_markup_and_long_callback_data_are_bad_requests(fake: FakeTelegram) -> None:
    known_chat(fake)

    async def scenario(bot: Bot) -> None:
        await bot.send_message(CHAT, "x" * 4096)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(CHAT, "pick", reply_markup=_keyboard("d" * 65))
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(CHAT, "I <3 this", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)reserved"):
            await bot.send_message(CHAT, "Done.", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(CHAT + 1, "hello?")

    run(fake, scenario)
    assert [len(m.text or "") for m in fake.messages(CHAT)] == [4096]


def test_get_file_refuses_files_over_20_mb_in_the_cloud(fake: FakeTelegram, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 1)  # sparse: no real bytes written
    stored = fake.register_file(big, "videos")
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        run(fake, lambda bot: bot.get_file(stored.file_id))


def test_a_local_server_serves_big_files_by_absolute_path(
    fake_telegram_local: FakeTelegram, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    stored = fake_telegram_local.register_file(big, "videos")
    file = run(fake_telegram_local, lambda bot: bot.get_file(stored.file_id), local_mode=True)
    assert file.file_path == str(big.resolve())
    assert file.file_size == big.stat().st_size


def test_a_local_server_takes_uploads_by_file_uri(fake_telegram_local: FakeTelegram, clip: Path) -> None:
    known_chat(fake_telegram_local)
    run(fake_telegram_local, lambda bot: bot.send_video(CHAT, clip), local_mode=True)
    (sent,) = fake_telegram_local.videos(CHAT)
    assert sent.media is not None
    assert sent.media.reference == clip.as_uri()
    assert fake_telegram_local.file(sent.media.file_id).read() == clip.read_bytes()


def test_uploads_over_the_limit_are_refused_whole(fake: FakeTelegram) -> None:
    known_chat(fake)
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        run(fake, lambda bot: bot.send_document(CHAT, b"\0" * 200_001, filename="big.bin"))
    assert fake.messages(CHAT) == []
    assert fake.error_count(413) == 1


def test_flood_control_allows_a_burst_of_three_per_private_chat(
    fake: FakeTelegram, clock: ManualClock
) -> None:
    known_chat(fake)

    async def scenario(bot: Bot) -> None:
        for n in range(3):
            await bot.send_message(CHAT, f"message {n}")
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "one too many")
        await bot.send_chat_action(CHAT, "typing")  # chat actions are not counted
        clock.now += 3
        await bot.send_message(CHAT, "after the window")

    run(fake, scenario)
    assert fake.error_count(429) == 1
    assert fake.last_text(CHAT) == "after the window"


def test_flood_control_reports_retry_after_to_a_json_client(fake: FakeTelegram) -> None:
    known_chat(fake)
    url = f"{fake.api_base_url}{fake.token}/sendMessage"
    with httpx.Client() as client:
        replies = [client.post(url, json={"chat_id": CHAT, "text": f"n{n}"}) for n in range(4)]
    assert [r.status_code for r in replies] == [200, 200, 200, 429]
    assert replies[3].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


def test_flood_control_limits_groups_per_minute_and_the_bot_per_second(
    fake: FakeTelegram, clock: ManualClock
) -> None:
    known_chat(fake, GROUP)
    private_chats = [known_chat(fake, CHAT + n) for n in range(11)]

    async def scenario(bot: Bot) -> None:
        for n in range(20):
            clock.now += 1  # one per second: fine for a private chat, too many for a group over a minute
            await bot.send_message(GROUP, f"group {n}")
        with pytest.raises(RetryAfter):
            await bot.send_message(GROUP, "21st in a minute")
        clock.now += 60
        for n in range(30):
            await bot.send_message(private_chats[n % 11], f"broadcast {n}")
        with pytest.raises(RetryAfter):
            await bot.send_message(private_chats[10], "31st in a second")

    run(fake, scenario)
    assert fake.error_count(429) == 2


def test_blocked_and_migrated_chats_raise_forbidden_and_chat_migrated(fake: FakeTelegram) -> None:
    known_chat(fake)
    known_chat(fake, GROUP)
    fake.block(CHAT)
    fake.migrate(GROUP, -1001234567890)

    async def scenario(bot: Bot) -> None:
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(CHAT, "hello")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(GROUP, "hello")
        assert migrated.value.new_chat_id == -1001234567890
        await bot.send_message(-1001234567890, "hello again")

    run(fake, scenario)
    assert fake.last_text(-1001234567890) == "hello again"


def test_command_menus_are_kept_per_language(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> tuple[Any, ...]:
        await bot.set_my_commands([BotCommand("start", "Start")])
        await bot.set_my_commands([BotCommand("start", "शुरू करें")], language_code="hi")
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Start!", "bad")])
        return await bot.get_my_commands(language_code="hi")

    (hindi,) = run(fake, scenario)
    assert hindi.description == "शुरू करें"
    assert fake.commands() == [{"command": "start", "description": "Start"}]
