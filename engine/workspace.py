"""The page a chat's "Open in web editor" button opens: the project as it stands, read-only.

The cloud's web editor lives at `<web>/workspace/claim?ct=<claim token>`; the engine has no editor, so it
serves that address with what is true here: the timeline, in the session's language, and the news that
editing happens in the chat. A button that led nowhere (a 404) would be worse than none.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from engine.store import Store
from engine.summary import draft_lines
from engine.words import say

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">
<h1>{title}</h1>
<p>{body}</p>
<ul>{items}</ul>
</body></html>
"""


async def claim_page(store: Store, request: Request) -> HTMLResponse:
    """`GET /workspace/claim?ct=…`: the claimed session's timeline, or a plain 404 page."""
    session = store.claimed_session(request.query_params.get("ct", "")[:200])
    if session is None:
        title = say("en", "workspace.title")
        page = _PAGE.format(lang="en", title=title, body=escape(say("en", "workspace.expired")), items="")
        return HTMLResponse(page, status_code=404)
    lang = session.language
    lines = draft_lines(session.draft, lang)
    if lines is None:  # a draft made elsewhere, or damaged: the page says so rather than failing
        lines = [say(lang, "workspace.unreadable")]
    items = "".join(f"<li>{escape(line)}</li>" for line in lines or [say(lang, "workspace.empty")])
    page = _PAGE.format(
        lang=escape(lang),
        title=escape(say(lang, "workspace.title")),
        body=escape(say(lang, "workspace.note")),
        items=items,
    )
    return HTMLResponse(page)
