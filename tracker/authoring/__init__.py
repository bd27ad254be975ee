"""The writers of source files, with the preview's forms to come: `tracker new`, `tracker init`'s
sample site, and `tracker import` (a pasted letter turned into a letter file, every word
kept).

Imports: everything below `build`, and `build`. Not `preview`.
"""
