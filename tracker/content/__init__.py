"""The site folder, understood: its rules (folder names, editor litter, slugs, links out,
forbidden characters), the only reader of its files, safe YAML with places, typed fields,
site.yml, Markdown and letter structure, the reference grammar, letters, updates, pages and
records, assembled into one frozen Site with every reference resolved, and the policy
checks (stale, overdue, untracked). Pure after reading.

Imports: `errors` and `scale`.
"""
