"""The review and search web app, its JSON API for trackers, and its feeds: ``create_app``."""

from pipeline.web.app import create_app
from pipeline.web.settings import Settings

__all__ = ["Settings", "create_app"]
