"""`python -m tracker` runs the command line."""

from .cli import run

run()
