"""A button press whose callback answer fails still does what the user asked (real processes).

Answering the callback query only stops the button's spinner. A press the bot reads after Telegram forgot
its query (the bot was restarted, or busy for a while) makes `answerCallbackQuery` a 400; the choice the
user made must be taken all the same.
"""

from __future__ import annotations

import pytest

from bot import keyboards
from bot.i18n import translate
from tests.e2e.conftest import FAST_CHAT_ENV, Product, UserChat, says
from tests.fakes.telegram_api import FakeTelegram

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("dump_logs")]
CHAT = 4242


@pytest.fixture
def fake_telegram(fast_telegram: FakeTelegram) -> FakeTelegram:
    return fast_telegram


def test_a_press_whose_answer_fails_still_takes_its_action(
    product: Product, fake_telegram: FakeTelegram
) -> None:
    product.start("bot", **FAST_CHAT_ENV)
    chat = UserChat(fake_telegram, CHAT)
    picker = chat.ask("/language", translate("en", "language.choose"))

    after = chat.mark()
    fake_telegram.press_button(CHAT, picker.message_id, keyboards.LANG_PREFIX + "hi", chat.user, expired=True)
    chat.wait(says("hi", "language.set"), after)

    answers = fake_telegram.calls("answerCallbackQuery")
    assert [call.status for call in answers] == [400]  # the fault landed: the answer really failed
