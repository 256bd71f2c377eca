"""Pytest fixtures for the NemoVideo double; import them into a conftest (or list this module in
`pytest_plugins`).

The render MP4s are made once per test session; each test gets a fresh double on its own port.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.nemo_double import NemoDouble, OutputMedia


@pytest.fixture(scope="session")
def nemo_media(tmp_path_factory: pytest.TempPathFactory) -> OutputMedia:
    """The double's render outputs, shared by every test of the session (made on first use)."""
    return OutputMedia(tmp_path_factory.mktemp("nemo_media"))


@pytest.fixture
def nemo_double(nemo_media: OutputMedia) -> Iterator[NemoDouble]:
    """A fresh NemoVideo double serving on loopback at `nemo_double.url`."""
    with NemoDouble(nemo_media) as double:
        yield double
