"""The engine's app fixtures (see `apphost.py`)."""

from tests.unit.engine.apphost import engine, make_engine, media, server

__all__ = ["engine", "make_engine", "media", "server"]
