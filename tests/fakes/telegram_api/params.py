"""Bot API request parameters, whichever way they came: query string, JSON, form or multipart.

Telegram accepts all four, and python-telegram-bot sends form fields whose non-string values are JSON
(`chat_id=42`, `reply_markup={"inline_keyboard": …}`), while an httpx client may send a JSON body with real
numbers. `Params` folds both into typed getters, so a method never cares which it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """A Bot API error reply: `{"ok": false, "error_code", "description", "parameters"}`."""

    def __init__(self, status: int, description: str, parameters: dict[str, int] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """The reply body."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: …" wording."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """The parameters of one request, with typed getters that raise Telegram's 400s."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self._values = values
        self._uploads = uploads

    def loggable(self) -> dict[str, Any]:
        """The parameters without file contents, for the call log."""
        return {**self._values, **{k: f"<upload {len(v.data)} bytes>" for k, v in self._uploads.items()}}

    def uploads(self) -> list[Upload]:
        """Every file part of the request."""
        return list(self._uploads.values())

    def has(self, name: str) -> bool:
        """Whether the parameter was given (as a value or a file part)."""
        return name in self._values or name in self._uploads

    def opt_str(self, name: str) -> str | None:
        """A string parameter, or None."""
        value = self._values.get(name)
        return None if value is None else str(value)

    def need_str(self, name: str, empty: str | None = None) -> str:
        """A required string; `empty` is Telegram's wording when it is missing."""
        value = self.opt_str(name)
        if not value:
            raise bad_request(empty or f"{name} is empty")
        return value

    def opt_int(self, name: str) -> int | None:
        """An integer parameter, or None; a non-number is a 400."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def need_int(self, name: str, empty: str | None = None) -> int:
        """A required integer."""
        value = self.opt_int(name)
        if value is None:
            raise bad_request(empty or f"{name} is empty")
        return value

    def chat_id(self) -> int:
        """The `chat_id` parameter; `@username` targets are not supported and read as an unknown chat."""
        try:
            return self.need_int("chat_id")
        except ApiError as exc:
            if "invalid" in exc.description:
                raise bad_request("chat not found") from None
            raise

    def flag(self, name: str) -> bool:
        """A boolean parameter (JSON true, or "true"/"1" in a form); absent is False."""
        value = self._values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def structured(self, name: str) -> Any:
        """A structured parameter (reply_markup, commands, allowed_updates): decoded if sent as a string."""
        value = self._values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (directly or via `attach://<part>`), or a file_id/URL string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.opt_str(name)
        if value is not None and value.startswith("attach://"):
            part = self._uploads.get(value.removeprefix("attach://"))
            if part is None:
                raise bad_request(f"{name} attachment not found")
            return part
        return value
