"""Nothing is kept for ever: stored files are deleted when their records expire (`ENGINE_RETENTION_DAYS`).

Uploads and renders are recorded with an expiry (`Store.track_file`): a session's media live as long as the
session (refreshed by every change), a render's output as long as its render record. Render workers sweep
the expired ones at start and at every maintenance run, so disk use follows the records, and a client's
stored bytes (bounded per client) fall as their files expire. A clip's transcripts and .srt files go with it
(an .srt is also recorded as a stored file of the clip's owner, `Store.track_derived`, so it counts).
"""

from __future__ import annotations

import logging
from pathlib import Path

from engine.speech import derived_files
from engine.store import Store

log = logging.getLogger(__name__)


def sweep_expired(store: Store, data_dir: Path) -> int:
    """Delete every file whose retention ran out (and its render's folder); returns how many."""
    removed = 0
    while paths := store.expired_files():
        for path in paths:
            target = data_dir / path
            target.unlink(missing_ok=True)
            if target.parent.name == "media":
                for derived in derived_files(data_dir, target.stem):
                    derived.unlink(missing_ok=True)
            render_folder = target.parent.parent.name == "renders"  # its own unguessable folder
            if render_folder and target.parent.is_dir() and not any(target.parent.iterdir()):
                target.parent.rmdir()
            store.forget_file(path)
            removed += 1
    if removed:
        log.info("deleted %d expired files", removed)
    return removed
