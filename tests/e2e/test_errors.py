"""Every error code of the profile (§1) as the product handles it, and the flows around exports.

1001 renews the token silently, 1002 resets the timeline and says so, 2001 sends an anonymous user to
register (with `bind`) and a registered one to top up, 4001 lists the formats, 4002 suggests trimming,
HTTP 400 on anonymous-token gets a new client id, 402 is a plan message (not a credits one), 429 is
retried once after RATE_LIMIT_RETRY_S and then told. Then: every render reply shape, batch uploads, /new.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot import keyboards
from bot.i18n import translate
from tests.e2e.conftest import (
    WEB,
    Product,
    UserChat,
    is_video,
    labels,
    says,
    start_fast,
    status_text,
    urls,
)
from tests.fakes.nemo_double import NemoDouble
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 8001
CLIP = "phone clip.mp4"


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    """Conversations without Telegram's one-message-a-second pace (see FAST_CHAT_ENV)."""
    return fast_telegram


def client_ids(nemo: NemoDouble) -> list[str]:
    return [r.headers.get("x-client-id", "") for r in nemo.calls("anonymous_token")]


def test_the_errors_of_an_anonymous_account_in_hindi(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.anonymous_credits = 1000
    start_fast(product)
    chat = UserChat(fake_telegram, CHAT, language_code="hi")

    # 400 on anonymous-token: the client id is replaced, and the upload goes through.
    nemo_double.fail_next("anonymous_token", http_status=400)
    # 4001 and 4002 from the upload: the accepted formats, then trimming or compressing.
    nemo_double.fail_next("upload", code=4001)
    unsupported = chat.upload(phone_clip, translate("hi", "upload.unsupported"))
    assert "mp4, mov, avi, webm, mkv" in (unsupported.text or "")
    first, second = client_ids(nemo_double)
    assert first and second and first != second
    nemo_double.fail_next("upload", code=4002)
    chat.upload(phone_clip, translate("hi", "upload.backend_too_large"))
    chat.upload(phone_clip, translate("hi", "upload.done", name=CLIP, duration=3))
    account = next(iter(nemo_double.accounts.values()))
    assert account.client_id == second  # the new client id stays

    # 1001: the token expired; a new one is fetched for the same client id, and nobody is told.
    for token in list(nemo_double.tokens):
        nemo_double.expire_token(token)
    balance = chat.ask("क्रेडिट", translate("hi", "credits.balance").split(":")[0])
    assert balance.text == translate("hi", "credits.balance", available=1000, frozen=0, total=1000)
    assert client_ids(nemo_double)[2:] == [second]

    # 2001 on an anonymous account: the registration link binds the work to the new account.
    nemo_double.set_credits(account.user_id, 0)
    out = chat.ask("बैकग्राउंड में गाना लगाओ", says("hi", "credits.out.anonymous"))
    assert urls(out) == [f"{WEB}/register?bind={account.user_id}"]
    assert labels(out) == [translate("hi", "button.register")]

    # HTTP 402 on export: the plan message, which is not the credits one.
    nemo_double.fail_next("render_submit", http_status=402)
    plan = chat.ask("वीडियो भेजो", says("hi", "plan.required"))
    assert urls(plan) == [f"{WEB}/register?bind={account.user_id}"]
    # A plan refusal is not about the render id: it is not submitted again under a new one.
    assert len(nemo_double.calls("render_submit")) == 1 and not nemo_double.renders

    # 1002: the backend lost the session; a new one in Hindi, and the user learns the timeline is gone.
    lost = next(iter(nemo_double.sessions))
    nemo_double.forget_session(lost)
    chat.ask("स्थिति", says("hi", "session.reset"))
    [fresh] = nemo_double.sessions.values()
    assert fresh.session_id != lost and fresh.language == "hi"
    chat.ask("स्थिति", says("hi", "status.empty"))


def test_the_errors_of_a_registered_account(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    token = nemo_double.register_user(credits=0)
    start_fast(product, NEMO_TOKEN=token, RATE_LIMIT_RETRY_S="1.5")
    chat = UserChat(fake_telegram, CHAT)
    chat.upload(phone_clip, translate("en", "upload.done", name=CLIP, duration=3))
    assert nemo_double.calls("anonymous_token") == []

    # 2001 on a registered account: top up, not register.
    out = chat.ask("add background music", says("en", "credits.out.registered"))
    assert urls(out) == [f"{WEB}/pricing"] and labels(out) == [translate("en", "button.topup")]
    account = next(a for a in nemo_double.accounts.values() if a.registered)
    nemo_double.set_credits(account.user_id, 1000)

    # 429 once: the same request runs again after RATE_LIMIT_RETRY_S, and the user just gets the answer.
    nemo_double.fail_next("run_sse", http_status=429)
    sends = len(nemo_double.calls("run_sse"))
    after = chat.mark()
    fake_telegram.send_text(CHAT, "add background music", user=chat.user)
    wait_for(lambda: len(nemo_double.calls("run_sse")) > sends, 10, "the first try")
    refused_at = time.monotonic()
    wait_for(lambda: len(nemo_double.calls("run_sse")) > sends + 1, 10, "the retry")
    assert time.monotonic() - refused_at >= 1.0
    chat.wait(lambda m: (m.text or "").startswith("Done:"), after)
    assert translate("en", "rate.limited") not in [m.text for m in chat.messages()]

    # 429 twice: retried once, then the user is told.
    nemo_double.fail_next("run_sse", http_status=429, times=2)
    busy = chat.ask("add the title 'Goa'", says("en", "rate.limited"))
    assert busy.message_id > after
    assert nemo_double.turn_messages.count("add the title 'Goa'") == 2


def test_every_render_reply_shape_batch_uploads_and_a_fresh_session(
    product: Product, fake_telegram: FakeTelegram, nemo_double: NemoDouble, phone_clip: Path
):
    nemo_double.config.render_polls = 2
    start_fast(product)
    chat = UserChat(fake_telegram, CHAT)

    # Two uploads in one session: one timeline, both clips on it.
    chat.upload(phone_clip, "Uploaded")
    chat.upload(phone_clip, "Uploaded")
    status = chat.ask("status", translate("en", "status.header", count=1))
    assert status.text == status_text("en", ("video", f' "{CLIP}"', "0–6 s"))

    # Each documented render reply shape ends in the same delivered video.
    for shape in (1, 2, 3):
        nemo_double.config.render_shape = shape
        delivered = chat.ask("export", is_video)
        assert delivered.media is not None and delivered.media.data is not None
        assert len(delivered.media.data) == nemo_double.output.size
        assert delivered.callback_data == [keyboards.EDIT_MORE, keyboards.NEW]
    assert len(fake_telegram.videos(CHAT)) == 3
    drafts = [job.draft for job in nemo_double.renders.values()]
    assert [len(d["t"][0]["sg"]) for d in drafts] == [2, 2, 2]

    chat.press(delivered, keyboards.EDIT_MORE, says("en", "upload.done_more"))
    # "New video" (as /new) starts over: a fresh backend session, an empty timeline.
    new = chat.press(delivered, keyboards.NEW, says("en", "session.new"))
    assert new.message_id > delivered.message_id
    chat.ask("status", says("en", "status.empty"))
    chat.ask("/new", says("en", "session.new"))
    chat.upload(phone_clip, "Uploaded")
    assert len(nemo_double.sessions) == 2
    status = chat.ask("status", translate("en", "status.header", count=1))
    assert "0–3 s" in (status.text or "")
