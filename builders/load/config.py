"""e4j.toml, the local adaptation: [profile] gives the help lines and services a country's edition
shows in every `::: local-help` box, with the date they were checked; [branding] the institution
name, attribution line and accent colour."""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders.diagnostics import Diagnostics, SourceLoc
from builders.load.image_files import image_problem
from builders.load.layers import refused_as_too_large
from builders.model import Branding, HelpContact, Localized, Profile
from builders.source_files import through_link

CONFIG = "e4j.toml"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LOCAL_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MIN_CONTRAST = 4.5
LOGO_FOLDER = "branding"
LOGO_LIMIT = 200_000
LOGO_KINDS = {".png": (b"\x89PNG\r\n\x1a\n", "logo.png"), ".jpg": (b"\xff\xd8\xff", "logo.jpg"),
              ".jpeg": (b"\xff\xd8\xff", "logo.jpg")}


@dataclass(frozen=True)
class LocalConfig:
    profile: Profile | None = None
    branding: Branding | None = None
    digest: str = ""


def _line_of(text: str, key: str, start: int = 1) -> int:
    """The first line at or after `start` that sets `key` (tomllib keeps no positions)."""
    lines = text.splitlines()
    headers = (f"[{key}]", f"[[{key}]]")
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if re.match(rf"^\s*{re.escape(key)}\s*=", line) or line.strip() in headers:
            return number
    return start


def read_config(root: Path, languages: tuple[str, ...], diags: Diagnostics) -> LocalConfig:
    path = root / CONFIG
    if not path.is_file() or refused_as_too_large(path, CONFIG, diags):
        return LocalConfig()
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (1, 1)
        diags.error("config.syntax", f"TOML syntax error: {str(exc).split(' (at')[0]}",
                    SourceLoc(CONFIG, line, col), "see docs/adapting.md for the format")
        return LocalConfig()
    except (ValueError, RecursionError):  # a number of 4,300+ digits; arrays nested too deep
        digits = re.search(r"\d{4300,}", text)
        where = SourceLoc.of_index(CONFIG, text, digits.start() if digits else 0)
        problem = "a number with too many digits" if digits else "values nested too deeply"
        diags.error("config.syntax", f"e4j.toml cannot be read: {problem}", where,
                    "see docs/adapting.md for the format")
        return LocalConfig()
    _reject_unknown(config, ("profile", "branding"), "table or key '{}'",
                    "e4j.toml knows [profile] and [branding]", lambda key: _line_of(text, key),
                    diags)
    profile = config.get("profile")
    branding = config.get("branding")
    brand = (_branding(branding, text, languages, diags, root)
             if isinstance(branding, dict) else None)
    return LocalConfig(
        _profile(profile, text, languages, diags) if isinstance(profile, dict) else None,
        brand,
        hashlib.sha256(data + (brand.logo if brand else b"")).hexdigest()[:20],
    )


def _reject_unknown(table: dict, allowed: tuple[str, ...], what: str, hint: str,
                    line_of: Callable[[str], int], diags: Diagnostics) -> None:
    """One error per key of `table` that is not `allowed`; `what` names it ("key '{}' in …")."""
    for key in table:
        if key not in allowed:
            diags.error("config.unknown-key", "unknown " + what.format(key),
                        SourceLoc(CONFIG, line_of(key), 1), hint)


def _profile(profile: dict, text: str, languages: tuple[str, ...], diags: Diagnostics
             ) -> Profile:
    where = _line_of(text, "profile")
    _reject_unknown(profile, ("country", "verified_on", "help", "local"), "key '{}' in [profile]",
                    "use country, verified_on, [[profile.help]] and [profile.local]",
                    lambda key: _line_of(text, key, where), diags)
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
    facts = []
    local = profile.get("local", {})
    local_line = _line_of(text, "profile.local", where)
    for key, value in (local.items() if isinstance(local, dict) else []):
        line = _line_of(text, key, local_line)
        if not LOCAL_KEY.match(key):
            diags.error("config.local-key", f"'{key}' is not a placeholder name",
                        SourceLoc(CONFIG, line, 1), "use lowercase letters, digits and hyphens")
        facts.append((key, _localized(value, languages, key, diags, line)))
    return Profile(country, verified, tuple(contacts), tuple(facts))


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of `colour` against white (text and buttons use both)."""
    return 1.05 / (_luminance(colour) + 0.05)


def _branding(branding: dict, text: str, languages: tuple[str, ...], diags: Diagnostics,
              root: Path) -> Branding:
    where = _line_of(text, "branding")
    _reject_unknown(branding, ("institution", "attribution", "colour", "logo"),
                    "key '{}' in [branding]", "use institution, attribution, colour and logo",
                    lambda key: _line_of(text, key, where), diags)
    institution = _localized(branding.get("institution"), languages, "institution", diags,
                             _line_of(text, "institution", where))
    attribution = _localized(branding.get("attribution"), languages, "attribution", diags,
                             _line_of(text, "attribution", where), required=False)
    colour = str(branding.get("colour", "#005a8c")).strip()
    line = _line_of(text, "colour", where)
    if not COLOUR.match(colour):
        diags.error("config.colour", f"colour '{colour}' is not a #rrggbb colour",
                    SourceLoc(CONFIG, line, 1), 'write colour = "#005a8c"')
    elif (ratio := contrast_with_white(colour)) < MIN_CONTRAST:
        diags.error("config.contrast", f"colour {colour} has a contrast of {ratio:.2f}:1 with "
                    f"white; headings and buttons need at least {MIN_CONTRAST}:1",
                    SourceLoc(CONFIG, line, 1), "choose a darker shade of the colour")
    logo_name, logo = "", b""
    if "logo" in branding:
        logo_name, logo = _logo(str(branding["logo"]), root, diags, _line_of(text, "logo", where))
    return Branding(institution, attribution, colour.lower(), logo_name, logo)


def _logo(given: str, root: Path, diags: Diagnostics, line: int) -> tuple[str, bytes]:
    """A PNG or JPEG under branding/, small enough for every page to carry."""
    loc = SourceLoc(CONFIG, line, 1)
    parts = Path(given).parts
    if len(parts) < 2 or parts[0] != LOGO_FOLDER or ".." in parts or Path(given).is_absolute():
        diags.error("config.logo", f"logo '{given}' is not inside the {LOGO_FOLDER}/ folder", loc,
                    f'put the file in {LOGO_FOLDER}/ and write logo = "{LOGO_FOLDER}/logo.png"')
        return "", b""
    path = root / given
    if through_link(root, given):
        diags.error("config.logo", f"logo '{given}' is, or is inside, a symbolic link: links "
                    "are not read", loc, f"copy the file into {LOGO_FOLDER}/")
        return "", b""
    if not path.is_file():
        diags.error("config.logo", f"logo '{given}' is not a file", loc,
                    "check the path, relative to the folder of e4j.toml")
        return "", b""
    kind = LOGO_KINDS.get(path.suffix.lower())
    size = path.stat().st_size  # known before reading: the file could be anything
    if size > LOGO_LIMIT:
        diags.error("config.logo", f"logo '{given}' weighs {size // 1000} kB; every page "
                    f"carries it, so keep it under {LOGO_LIMIT // 1000} kB", loc,
                    "export it smaller (about 300 pixels wide is plenty)")
        return "", b""
    data = path.read_bytes()
    if kind is None or not data.startswith(kind[0]):
        diags.error("config.logo", f"logo '{given}' is not a PNG or JPEG image", loc,
                    "export the logo as PNG (or JPEG)")
        return "", b""
    if problem := image_problem(given, data):
        diags.error("config.logo", f"logo '{given}' cannot be used: {problem}", loc,
                    "export it again, about 300 pixels wide")
        return "", b""
    return kind[1], data


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
        diags.error("config.empty", f"{what} is missing or empty", SourceLoc(CONFIG, line, 1),
                    f"write {what} = \"…\" or {what} = {{ en = \"…\", fr = \"…\" }}")
    return Localized(())


def _contact(entry: Any, languages: tuple[str, ...], diags: Diagnostics, line: int
             ) -> HelpContact | None:
    if not isinstance(entry, dict):
        return None
    _reject_unknown(entry, ("name", "contact", "notes"), "key '{}' in a help contact",
                    "use name, contact and notes", lambda key: line, diags)
    contact = str(entry.get("contact", "")).strip()
    if not contact:
        diags.error("config.empty", "a help contact needs 'contact' (a number, address or "
                    "website, checked)", SourceLoc(CONFIG, line, 1))
    name = _localized(entry.get("name"), languages, "name", diags, line)
    notes = _localized(entry.get("notes"), languages, "notes", diags, line, required=False)
    return HelpContact(name, contact, notes) if contact and name else None
