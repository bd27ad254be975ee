"""site.yml → SiteConfig: defaults, status presets, point phrases, unknown keys with hints."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem, did_you_mean
from .fields import Fields
from .folder import CONFIG
from .glossary import site_glossary
from .model import TONES, PointKind, SiteConfig, Status, Tone, is_tone
from .safeyaml import Pos, Unread, YMap

_DELIVERY = (
    Status("identified", "Identified by inspectors", "neutral"),
    Status("planned", "Planned", "info"),
    Status("in-progress", "In progress", "info"),
    Status("completed", "Completed", "good", done=True),
)

PRESETS: dict[str, tuple[Status, ...]] = {
    "send-2023": _DELIVERY + (
        Status("effective", "Effective action", "good", done=True, verdict=True),
        Status("ineffective", "Ineffective action", "bad", verdict=True),
    ),
    "send-2016": _DELIVERY + (
        Status("sufficient-progress", "Sufficient progress", "good", done=True, verdict=True),
        Status("insufficient-progress", "Insufficient progress", "bad", verdict=True),
    ),
    "school-monitoring": _DELIVERY + (
        Status("taking-effective-action", "Taking effective action", "good",
               done=True, verdict=True),
        Status("not-taking-effective-action", "Not taking effective action", "bad",
               verdict=True),
    ),
}
DEFAULT_PRESET = "send-2023"

DEFAULT_POINTS = (
    PointKind("priority", "Area for priority action", "P", (
        "Areas for priority action", "areas of significant weakness",
        "Priorities for further improvement",
    )),
    PointKind("improvement", "Area for improvement", "I", (
        "Areas for improvement", "Areas for development",
        "The school should take further action to",
        "What does the school need to do to improve",
    )),
)

SITE_KEYS = ("title", "description", "base_url", "language", "owner", "notice", "theme",
             "stale_after_days", "require_evidence", "statuses", "points", "glossary")
STATUS_KEYS = ("id", "label", "tone", "done", "verdict")
POINT_KEYS = ("label", "prefix", "phrases")
DEFAULT_BASE_URL = "http://localhost:8000/"


def _statuses(fields: Fields) -> tuple[Status, ...]:
    value = fields.mapping.get("statuses")
    if value is None:
        return PRESETS[DEFAULT_PRESET]
    if isinstance(value, str):
        if value in PRESETS:
            return PRESETS[value]
        fields.error(
            fields.at("statuses"), f"unknown status preset '{value}'",
            did_you_mean(value, PRESETS, fallback="presets: " + ", ".join(PRESETS)),
        )
        return PRESETS[DEFAULT_PRESET]
    statuses: list[Status] = []
    seen: set[str] = set()
    for item, pos in fields.items("statuses"):
        status = _status(fields, item, pos, seen)
        if status:
            statuses.append(status)
    if not statuses and fields.ok:
        fields.error(fields.at("statuses"), "'statuses' must list at least one status")
    return tuple(statuses) or PRESETS[DEFAULT_PRESET]


def _status(fields: Fields, item: Any, pos: Pos, seen: set[str]) -> Status | None:
    if not isinstance(item, YMap):
        fields.error(pos, "each status must be {id: …, label: …, tone: …}")
        return None
    one = Fields(fields.path, item, fields.problems, allowed=STATUS_KEYS, required=("id",))
    status_id, written = one.text("id"), one.text("tone") or "neutral"
    tone: Tone = "neutral"
    if is_tone(written):
        tone = written
    else:
        one.error(one.at("tone"), f"unknown tone '{written}'",
                  did_you_mean(written, TONES, fallback="tones: " + ", ".join(TONES)))
    if status_id in seen:
        one.error(one.at("id"), f"status '{status_id}' is listed twice", "give each status its own id")
    seen.add(status_id or "")
    done, verdict = one.flag("done"), one.flag("verdict")
    if not one.ok or status_id is None:
        return None
    return Status(status_id, one.text("label") or status_id, tone, bool(done), bool(verdict))


def _points(fields: Fields) -> tuple[PointKind, ...]:
    block = fields.mapping_field("points")
    if block is None:
        return DEFAULT_POINTS
    kinds = []
    for kind_id, value in block.items():
        pos = block.at(kind_id)
        if not isinstance(value, YMap):
            fields.error(pos, f"'points.{kind_id}' must be a block with label, prefix and phrases")
            continue
        one = Fields(fields.path, value, fields.problems, allowed=POINT_KEYS,
                     required=("prefix", "phrases"))
        phrases = one.names("phrases")
        prefix = one.text("prefix") or ""
        if prefix and not (prefix.isalpha() and prefix.isupper()):
            one.error(one.at("prefix"), f"prefix '{prefix}' must be capital letters, like P or I")
        if one.ok:
            kinds.append(PointKind(kind_id, one.text("label") or kind_id.capitalize(),
                                   prefix, phrases))
    prefixes = [k.prefix for k in kinds]
    for kind in kinds:
        if prefixes.count(kind.prefix) > 1:
            fields.error(block.at(kind.id), f"point prefix '{kind.prefix}' is used twice",
                         "give each kind of point its own prefix")
            return DEFAULT_POINTS
    return tuple(kinds)


def _is_local(url: str) -> bool:
    """A plain http:// address on this computer, for a preview."""
    host = url.removeprefix("http://").split("/")[0].rsplit(":", 1)[0]
    return url.startswith("http://") and host in ("localhost", "127.0.0.1")


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _language(fields: Fields) -> str:
    """A language tag such as en-GB or cy (it names files of the search index, so nothing
    else may pass)."""
    language = fields.text("language") or "en-GB"
    if not LANGUAGE_TAG.fullmatch(language):
        fields.error(fields.at("language"), f"'{language}' is not a language tag",
                     "write a language tag such as en-GB, en or cy")
        return "en-GB"
    return language


def _base_url(fields: Fields) -> str:
    url = fields.text("base_url") or DEFAULT_BASE_URL
    if (not (url.startswith("https://") and url.removeprefix("https://").strip("/"))
            and not _is_local(url)) or len(url.split()) != 1:
        fields.error(fields.at("base_url"), f"base_url '{url}' must start with https://",
                     "give the full address of the published site, e.g. https://example.org/tracker/")
        return DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


def site_config(data: YMap, problems: list[Problem], themes: tuple[str, ...]) -> SiteConfig:
    """Validate site.yml; every missing key gets its default."""
    required = () if isinstance(data, Unread) else ("title",)
    fields = Fields(CONFIG, data, problems, allowed=SITE_KEYS, required=required)
    theme = fields.text("theme") or "default"
    if theme != "default" and theme not in themes:
        fields.error(fields.at("theme"), f"there is no theme '{theme}' in themes/",
                     did_you_mean(theme, ("default", *themes)))
    return SiteConfig(
        title=fields.text("title") or "Untitled tracker",
        description=fields.text("description") or "",
        base_url=_base_url(fields),
        language=_language(fields),
        owner=fields.text("owner") or "",
        notice=fields.text("notice") or "",
        theme=theme,
        stale_after_days=fields.integer("stale_after_days", minimum=1) or 90,
        require_evidence=fields.flag("require_evidence") is not False,
        statuses=_statuses(fields),
        points=_points(fields),
        glossary=site_glossary(fields),
    )
