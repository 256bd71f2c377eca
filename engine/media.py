"""What the engine knows about an uploaded file once it has been probed.

Shared by the probe (which makes it), the store (which keeps it as JSON) and the editor and renderer
(which read it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

MediaKind = Literal["video", "audio", "image"]


@dataclass(frozen=True)
class MediaInfo:
    """One probed upload. `path` is relative to the engine's data folder.

    `width` and `height` are the picture as shown (a phone's portrait clip is 1080x1920 even though its frames
    are stored 1920x1080); `rotation` is the display matrix's turn, which FFmpeg applies when it decodes.
    `hdr` names the transfer curve of an HDR picture (`arib-std-b67`: HLG, `smpte2084`: PQ), "" for SDR.
    """

    file_id: str
    filename: str
    path: str
    kind: MediaKind
    format: str
    size: int
    duration_s: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    has_video: bool = False
    has_audio: bool = False
    vcodec: str = ""
    acodec: str = ""
    rotation: int = 0
    hdr: str = ""

    def absolute(self, data_dir: Path) -> Path:
        """The file on disk."""
        return data_dir / self.path

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaInfo:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
