"""The localisation profile in e4j.toml: the help lines and services a country's edition shows
in every `::: local-help` box, with the date they were checked."""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from builders.diagnostics import Diagnostics, SourceLoc
from builders.model import HelpContact, Localized, Profile

CONFIG = "e4j.toml"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _line_of(text: str, key: str, start: int = 1) -> int:
    """The first line at or after `start` that sets `key` (tomllib keeps no positions)."""
    lines = text.splitlines()
    headers = (f"[{key}]", f"[[{key}]]")
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if re.match(rf"^\s*{re.escape(key)}\s*=", line) or line.strip() in headers:
            return number
    return start


def read_profile(root: Path, languages: tuple[str, ...], diags: Diagnostics) -> Profile | None:
    path = root / CONFIG
    if not path.is_file():
        return None
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (1, 1)
        diags.error("config.syntax", f"TOML syntax error: {str(exc).split(' (at')[0]}",
                    SourceLoc(CONFIG, line, col), "see docs/adapting.md for the format")
        return None
    for key in config:
        if key != "profile":
            diags.error("config.unknown-key", f"unknown table or key '{key}'",
                        SourceLoc(CONFIG, _line_of(text, key), 1), "e4j.toml knows [profile]")
    profile = config.get("profile")
    if not isinstance(profile, dict):
        return None
    where = _line_of(text, "profile")
    for key in profile:
        if key not in ("country", "verified_on", "help"):
            diags.error("config.unknown-key", f"unknown key '{key}' in [profile]",
                        SourceLoc(CONFIG, _line_of(text, key, where), 1),
                        "use country, verified_on and [[profile.help]]")
    country = str(profile.get("country", "")).strip()
    verified = profile.get("verified_on", "")
    verified = verified.isoformat() if isinstance(verified, datetime.date) else str(verified)
    if not country:
        diags.error("config.empty", "[profile] needs a country", SourceLoc(CONFIG, where, 1))
    if not DATE.match(verified):
        diags.error("config.verified-on", "[profile] needs verified_on, the date the contacts "
                    "were last checked (YYYY-MM-DD)",
                    SourceLoc(CONFIG, _line_of(text, "verified_on", where), 1))
    contacts = []
    entries = profile.get("help", [])
    if not entries:
        diags.error("config.no-help", "[profile] lists no help contact; every lesson's local-help "
                    "box needs at least one", SourceLoc(CONFIG, where, 1),
                    "add a [[profile.help]] table with name and contact")
    line = where
    for entry in entries if isinstance(entries, list) else []:
        line = _line_of(text, "profile.help", line + 1) if "[[profile.help]]" in text else where
        contact = _contact(entry, languages, diags, line)
        if contact:
            contacts.append(contact)
    digest = hashlib.sha256(data).hexdigest()[:20]
    return Profile(country, verified, tuple(contacts), digest)


def _localized(value: Any, languages: tuple[str, ...], what: str, diags: Diagnostics,
               line: int, required: bool = True) -> Localized:
    if isinstance(value, str) and value.strip():
        return Localized(tuple((lang, value.strip()) for lang in languages))
    if isinstance(value, dict):
        pairs = [(lang, str(value.get(lang, "")).strip()) for lang in languages]
        missing = [lang for lang, text in pairs if not text]
        if not missing:
            return Localized(tuple(pairs))
        diags.error("config.translation", f"{what} has no {', '.join(missing)} text",
                    SourceLoc(CONFIG, line, 1), f"write {what} = {{ en = \"…\", fr = \"…\" }}")
        return Localized(())
    if required:
        diags.error("config.empty", f"a help contact needs {what}", SourceLoc(CONFIG, line, 1))
    return Localized(())


def _contact(entry: Any, languages: tuple[str, ...], diags: Diagnostics, line: int
             ) -> HelpContact | None:
    if not isinstance(entry, dict):
        return None
    for key in entry:
        if key not in ("name", "contact", "notes"):
            diags.error("config.unknown-key", f"unknown key '{key}' in a help contact",
                        SourceLoc(CONFIG, line, 1), "use name, contact and notes")
    contact = str(entry.get("contact", "")).strip()
    if not contact:
        diags.error("config.empty", "a help contact needs 'contact' (a number, address or "
                    "website, checked)", SourceLoc(CONFIG, line, 1))
    name = _localized(entry.get("name"), languages, "name", diags, line)
    notes = _localized(entry.get("notes"), languages, "notes", diags, line, required=False)
    return HelpContact(name, contact, notes) if contact and name else None
