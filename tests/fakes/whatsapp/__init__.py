"""A fake WhatsApp Business Cloud API for integration and end-to-end tests (see `fake.py` for a tour)."""

from tests.fakes.whatsapp.fake import FakeWhatsApp, sign
from tests.fakes.whatsapp.records import GraphError, Media, SentMessage

__all__ = ["FakeWhatsApp", "GraphError", "Media", "SentMessage", "sign"]
