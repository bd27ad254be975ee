"""tracker: a static-site generator for published evidence and inspection trackers."""

__version__ = "0.1.0"
