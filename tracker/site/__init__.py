"""The site made from the model: the one URL scheme, the theme's files, one view module per
template family (every label, date, count and relative link made here, so that templates
only place them), the page plan (every page as a maker, in groups), rendering in Jinja's
sandbox (the only home of jinja2), feeds, sitemaps and open data.

Imports: `errors`, `scale` and `content`.
"""
