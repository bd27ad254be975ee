"""tracker: a static-site generator for published evidence and inspection trackers.

The rooms, in the one direction imports go (docs/architecture.md has the map):
errors → scale → content → site → output → build → preview, authoring → cli.
"""

__version__ = "0.1.0"
