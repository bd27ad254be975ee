"""The one Markdown parser (markdown-it, raw HTML off) and its rules: block anchors, letter
points, links. The only home of markdown-it: its tokens never leave this package, which
returns Markdown rendered once, with holes each page fills in.

Imports: `errors`.
"""
