"""A faithful fake of NemoVideo's agent API (`shared/nemo-protocol.md`), served over real HTTP on loopback.

    with NemoDouble(OutputMedia(tmp_path)) as nemo:
        nemo.config.stream_family = "agentkit"
        nemo.queue_turns("drop")
        nemo.fail_next("render_submit", http_status=429, retry_after=1)
        ...  # point a client at nemo.url, then assert on nemo.requests / nemo.sessions / nemo.renders

Fixtures for pytest are in `tests.fakes.nemo_fixtures`.
"""

from tests.fakes.nemo_double.config import (
    Endpoint,
    ErrorStyle,
    HeartbeatStyle,
    NemoConfig,
    RenderOutcome,
    RenderShape,
    StreamFamily,
    TurnBehaviour,
)
from tests.fakes.nemo_double.double import NemoDouble
from tests.fakes.nemo_double.media import MediaFile, OutputMedia
from tests.fakes.nemo_double.records import Account, RecordedRequest, RenderJob, Session, UploadedFile

__all__ = [
    "Account",
    "Endpoint",
    "ErrorStyle",
    "HeartbeatStyle",
    "MediaFile",
    "NemoConfig",
    "NemoDouble",
    "OutputMedia",
    "RecordedRequest",
    "RenderJob",
    "RenderOutcome",
    "RenderShape",
    "Session",
    "StreamFamily",
    "TurnBehaviour",
    "UploadedFile",
]
