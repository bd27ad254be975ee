"""Time from pressing "Save the change" on a preview form to the answer that sends the browser
to the rebuilt page, on a generated site.

    python bench/form_save.py [--letters 1000] [--saves 5] [--typing 10]

Generates a site (bench/generate.py), starts the real preview on a free local port, opens the
"Record a change" form of one record, waits `--typing` seconds (a person filling it in: the
preview reads the site for its check meanwhile), then saves an entry `--saves` times, each
from a freshly opened form. Prints the time to open the form, its size, and each save's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from tracker.preview.serve import Preview  # noqa: E402


def request(preview: Preview, method: str, path: str, body: bytes = b"") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=300)
    try:
        connection.request(method, path, body, {
            "Origin": preview.url.rstrip("/"), "Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--typing", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, args.letters)
        record = sorted((root / "content/actions").glob("*.yml"))[0].stem
        form = f"/__tracker/forms/record/{record}/"
        with Preview(root, "127.0.0.1", 0, dt.date(2026, 12, 3)) as preview:
            preview.start()
            started = time.perf_counter()
            page = request(preview, "GET", form)[1]
            print(f"open the form: {time.perf_counter() - started:.2f} s, "
                  f"{len(page) / 1e6:.1f} MB, {page.count('<option')} choices")
            evidence = re.search(r'<option value="(letter:[^"#]+#[PI]1)"', page)
            assert evidence
            time.sleep(args.typing)
            for number in range(1, args.saves + 1):
                page = request(preview, "GET", form)[1]
                fields = {"token": field(page, "token"), "version": field(page, "version"),
                          "status": "in-progress", "date": f"2026-11-{number:02d}",
                          "note": f"Save {number}.", "evidence": evidence.group(1),
                          "action": "save"}
                started = time.perf_counter()
                status = request(preview, "POST", form, urlencode(fields).encode())[0]
                assert status == 303, status
                print(f"save {number}: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
