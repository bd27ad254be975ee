"""A build written to disk: contained paths, pages and feeds produced across processes as they
are rendered, the search index (Pagefind, its only home), and the output folder put in
place one file at a time, kept as tracker's only where tracker wrote it.

Imports: `errors`, `scale`, `content` and `site`.
"""
