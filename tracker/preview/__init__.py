"""`tracker serve`: the site rebuilt in memory after each save (what changed decides what is
made again), served to this machine only, with the problems shown over the pages and the
pages reloaded by themselves. watchdog's only home is `watch`.

Imports: everything below `build`, and `build`. Not `authoring`.
"""
