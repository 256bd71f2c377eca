"""The engine's exceptions.

    EngineError                  anything the engine refuses or fails to do
    ├── FfmpegError              an FFmpeg process failed, timed out or could not start
    ├── RenderError              a draft cannot be rendered (missing media, nothing to render, no font)
    ├── UnknownFormatError       (engine.formats) a file of a format no reader may open
    ├── ProbeError               (engine.probe) an upload refused, with the reason for the user
    └── AnalysisError            (engine.analysis) the silence analysis could not read a clip

Messages never contain secrets; FFmpeg's stderr tail is kept on the exception for logs, not for users.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class FfmpegError(EngineError):
    """An FFmpeg run failed; `returncode` is None when it timed out or never started."""

    def __init__(self, message: str, *, returncode: int | None = None, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class RenderError(EngineError):
    """The draft cannot be turned into FFmpeg work (e.g. it references unknown media)."""
