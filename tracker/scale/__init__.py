"""Scale machinery: what lets the same pipeline build a national site (100,000 letters) within
its memory, and the preview rebuild in milliseconds. The memo that keeps results between
preview rebuilds (a one-off build passes NO_MEMO), work shared across forked processes,
sequences made only when asked for, and the spool a national site's letter HTML waits in.

Imports: `errors` only. The content model does not depend on anything here.
"""
