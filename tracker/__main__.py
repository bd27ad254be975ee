"""`python -m tracker` runs the command line."""

from .cli import main

main()
