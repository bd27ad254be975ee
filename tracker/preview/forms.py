"""The preview's forms over HTTP (SPEC 8a): each form page served with the running preview's
token; a submission refused (403) unless it carries that token and comes from the preview's own
origin; its body limited in size and type; then checked and written by `authoring.saving`, one
at a time, and answered with the page that shows what changed once the preview has rebuilt it.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import hmac
import html
import ipaddress
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote

from ..authoring import forms, saving
from ..authoring.choices import find_point
from ..authoring.forms import Form, Values
from ..authoring.saving import Upload
from ..content.folder import is_slug
from ..site import urls
from ..site.render import Renderer
from ..site.views import Context, PageOf, frame
from .rebuild import Built, Incremental
from .routes import host_allowed

PREFIX = "/" + urls.FORMS
LARGEST_BODY = 60_000_000
"""Bytes a submission may have: a report's PDF (50 MB at most) and the form around it."""
SETTLE_SECONDS = 10.0
"""How long a saved form waits for the preview to show the change before answering."""


FORM_HEADERS = ("Origin", "Sec-Fetch-Site", "Content-Type", "Content-Length")
"""The request headers a submission is judged by."""


@dataclass(frozen=True)
class Answer:
    status: HTTPStatus
    body: bytes = b""
    location: str = ""
    kind: str = "text/html; charset=utf-8"


def _refused(status: HTTPStatus, text: str) -> Answer:
    return Answer(status, text.encode(), kind="text/plain; charset=utf-8")


def page_url(path: str) -> str:
    """The address of an output path: '/areas/x/' for 'areas/x/index.html' (a #fragment kept)."""
    path, hash_, fragment = path.partition("#")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return "/" + path + (hash_ + fragment)


class FormDesk:
    """The forms of one running preview."""

    def __init__(self, root: Path, builder: Incremental, host: str, port: int,
                 wait_for_change: Callable[[int, float], int], version: Callable[[], int]) -> None:
        self.root = root
        self.builder = builder
        self.host, self.port = host, port
        self.token = secrets.token_urlsafe(32)
        self.wait_for_change = wait_for_change
        self.version = version
        self.lock = threading.Lock()
        """One submission at a time: two never check or write against each other."""
        self.checks = saving.Checks(root, builder.today)
        """What checking a form's file keeps between submissions (used under `lock`)."""
        self.warmed = False
        self.written: set[str] = set()
        """Files written by a form, which a page may say were saved."""

    @staticmethod
    def handles(route: str) -> bool:
        return route.startswith(PREFIX) or route + "/" == PREFIX

    # Answers -------------------------------------------------------------------------------

    def get(self, route: str, client: str = "127.0.0.1") -> Answer:
        if not _this_machine(client):
            return _refused(HTTPStatus.FORBIDDEN, ELSEWHERE)
        built = self.builder.model
        if built is None:
            return Answer(HTTPStatus.SERVICE_UNAVAILABLE, _plain_page(
                "The site has not built yet", "Fix the problems the preview shows, then come back."))
        made = self._form(built, route, {})
        if made is not None and not self.warmed:
            self.warmed = True  # while the form is filled in, the site is read for its check
            threading.Thread(target=self._warm, name="tracker-forms", daemon=True).start()
        if made is None:
            return Answer(HTTPStatus.NOT_FOUND, _plain_page("No such form", "Go back and try again."))
        return Answer(HTTPStatus.OK, self._render(built, made, route))

    def post(self, route: str, headers: Mapping[str, str], read: Callable[[int], bytes],
             client: str = "127.0.0.1") -> Answer:
        refused = ELSEWHERE if not _this_machine(client) else self._refusal(headers)
        if refused:
            return _refused(HTTPStatus.FORBIDDEN, refused)
        try:
            length = int(headers.get("Content-Length") or "")
        except ValueError:
            return _refused(HTTPStatus.LENGTH_REQUIRED, "A form must say how long it is.\n")
        if length < 0 or length > LARGEST_BODY:
            return _refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"A form may send {LARGEST_BODY:,} bytes at most.\n")
        parsed = _parse(headers.get("Content-Type", ""), read(length))
        if parsed is None:
            return _refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Not a form.\n")
        values, uploads = parsed
        if not hmac.compare_digest(_first(values, "token").encode(), self.token.encode()):
            return _refused(HTTPStatus.FORBIDDEN,
                            "This form is not from this preview (its token is missing or "
                            "wrong). Open the form again from the preview's page.\n")
        built = self.builder.model
        if built is None:
            return self.get(route)
        with self.lock:
            version = self.version()
            made = self._form(built, route, values, uploads, submit=True)
            if made is None:
                return Answer(HTTPStatus.NOT_FOUND, _plain_page("No such form", "Go back."))
            if not made.written:
                status = HTTPStatus.UNPROCESSABLE_ENTITY if made.failed else HTTPStatus.OK
                return Answer(status, self._render(built, made, route))
            self.written.add(made.written)
        self.wait_for_change(version, SETTLE_SECONDS)
        landing, _, fragment = made.landing.partition("#")
        location = page_url(landing) + "?saved=" + quote(made.written) + \
            (f"#{fragment}" if fragment else "")
        return Answer(HTTPStatus.SEE_OTHER, location=location)

    def saved_note(self, query: str) -> str:
        """The note a page shows when a form just saved a file (named in its `saved=` query)."""
        rel = unquote(parse_qs(query).get("saved", [""])[0])
        if rel not in self.written:
            return ""
        return (f'<div class="saved" role="status"><p><strong>Saved.</strong> '
                f"The preview has been rebuilt with <code>{html.escape(rel)}</code>.</p></div>\n")

    # Inside --------------------------------------------------------------------------------

    def _warm(self) -> None:
        with self.lock, contextlib.suppress(Exception):  # a failure here is the check's to say
            self.checks.load(None)

    def _refusal(self, headers: Mapping[str, str]) -> str:
        """Why a submission is refused before it is read, if it is."""
        origin = headers.get("Origin") or ""
        scheme, _, rest = origin.partition("://")
        if scheme != "http" or not host_allowed(rest, self.host, self.port) or "/" in rest:
            return "Forms are accepted only from this preview's own pages.\n"
        if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return "Forms are accepted only from this preview's own pages.\n"
        return ""

    def _form(self, built: Built, route: str, values: Values, uploads: Mapping[str, Upload] | None = None,
              *, submit: bool = False) -> Form | None:
        """The form a route names, filled with `values` (and when `submit`, checked and saved)."""
        parts = route[len(PREFIX):].removesuffix("index.html").strip("/").split("/")
        site, today, root = built.site, self.builder.today, self.root
        action = _first(values, "action")
        save = submit and action == "save"
        preview = submit and action == "preview"
        if parts[0] == "record" and len(parts) == 2:
            record = next((r for r in site.records if r.id == parts[1]), None)
            if record is None:
                return None
            if save or preview:
                return saving.submit_record_change(site, root, record, today, values, preview,
                                                   self.checks)
            made = forms.record_change(site, root, record, today, values or None)
            return replace(made, version=_first(values, "version")) if values else made
        if parts == ["update"]:
            if save or preview:
                return saving.submit_new_update(site, root, today, values, preview, self.checks)
            return forms.new_update(site, today, values or None)
        if parts[0] == "track" and len(parts) == 3 and is_slug(parts[1]):
            ref = f"letter:{parts[1]}#{parts[2]}"
            try:
                find_point(site, ref)
            except KeyError:
                return None
            if save:
                return saving.submit_track_point(site, root, today, ref, values, self.checks)
            return forms.track_point(site, ref, values or None)
        if parts == ["letter"]:
            if save:
                return saving.submit_add_letter(site, root, today, values,
                                                (uploads or {}).get("file"), self.checks)
            return forms.add_letter(values or None)
        return None

    def _render(self, built: Built, form: Form, route: str) -> bytes:
        form = replace(form, token=self.token, action=route)
        ctx = Context(built.site, built.relations, self.builder.today, built.base_url, editing=True)
        renderer = Renderer(self.root, built.site.config.theme)
        return renderer.render(PageOf("form.html", frame(ctx, form.page, form.title), form))


ELSEWHERE = "The forms can be used only in a browser on the computer the preview runs on.\n"


def _this_machine(client: str) -> bool:
    """Whether a request comes from this machine (a preview listening on every address is
    seen from others, who may read it but not change it)."""
    try:
        return ipaddress.ip_address(client.removeprefix("::ffff:")).is_loopback
    except ValueError:
        return False


def _first(values: Values, name: str) -> str:
    given = values.get(name)
    return given[0] if given else ""


def _parse(kind: str, body: bytes) -> tuple[dict[str, list[str]], dict[str, Upload]] | None:
    """A form's fields (and uploaded files), from a URL-encoded or multipart body."""
    media = kind.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return parse_qs(text, keep_blank_values=True, max_num_fields=10_000), {}
    if media != "multipart/form-data":
        return None
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1", "replace") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        return None
    values: dict[str, list[str]] = {}
    uploads: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            uploads[name] = (Path(filename.replace("\\", "/")).name, data)
        else:
            values.setdefault(name, []).append(data.decode("utf-8", "replace"))
    return values, uploads


def _plain_page(title: str, text: str) -> bytes:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p></main></body></html>\n").encode()

