"""The German catalogue is complete, compiled, and pages speak German by default and English on request."""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

from resonanz.community.tests.factories import thread_factory

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
ENTRY_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def parse_po(text: str) -> list[Entry]:
    """A small .po reader: enough for completeness checks (polib is not a dependency)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, current = Entry(), ""
        values: dict[str, str] = {}
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#"):
                continue
            elif match := ENTRY_LINE.match(line):
                current = match.group(1)
                values[current] = json.loads(match.group(2))
            elif line.startswith('"') and current:
                values[current] += json.loads(line)
        if "msgid" not in values and not entry.obsolete:
            continue
        entry.msgid = values.get("msgid", "")
        entry.msgctxt = values.get("msgctxt")
        entry.msgid_plural = values.get("msgid_plural")
        entry.msgstr = {key: value for key, value in values.items() if key.startswith("msgstr")}
        entries.append(entry)
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    return [e.label for e in entries if e.msgid and not e.obsolete and not all(e.msgstr.values())]


def fuzzy(entries: list[Entry]) -> list[str]:
    return [e.label or "(header)" for e in entries if "fuzzy" in e.flags and not e.obsolete]


def test_po_parser_sees_gaps_and_fuzzy_entries():
    sample = (
        '#, fuzzy\nmsgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr ""\n\n'
        'msgid "%(n)s x"\nmsgid_plural "%(n)s xs"\nmsgstr[0] "y"\nmsgstr[1] ""\n'
    )
    entries = parse_po(sample)
    assert fuzzy(entries) == ["a"]
    assert untranslated(entries) == ["c", "%(n)s x"]


def test_german_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = parse_po(PO_FILE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    assert untranslated(entries) == [], "translate these in resonanz/locale/de/LC_MESSAGES/django.po"
    assert fuzzy(entries) == [], "review these fuzzy entries and remove the flag"


def test_compiled_catalogue_matches_the_po_file():
    """django.mo must be rebuilt (compilemessages) after every change to django.po."""
    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(PO_FILE.read_text(encoding="utf-8")):
        if not entry.msgid or entry.obsolete:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert catalog.get((key, 1)) == entry.msgstr["msgstr[1]"], entry.label
        else:
            assert catalog.get(key) == entry.msgstr["msgstr"], entry.label


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgmerge")), reason="needs GNU gettext")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract messages from a copy of the package (the real catalogue stays untouched) and check them."""
    package = Path(__file__).resolve().parents[2]
    copy = tmp_path / "resonanz"
    shutil.copytree(
        package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.npz", "*.gz")
    )
    env = {
        **os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "resonanz.settings.test",
        "RESONANZ_DATA_DIR": str(tmp_path / "data"),
    }  # fmt: skip
    command = [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete"]
    subprocess.run([*command, "--ignore", "*/tests/*"], cwd=copy, env=env, check=True, capture_output=True)
    entries = parse_po((copy / "locale" / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    missing = untranslated(entries) + fuzzy(entries)
    assert missing == [], "run makemessages -l de and translate these entries"


# --- the language the pages speak ----------------------------------------------------------------


@pytest.fixture
def thread_url(brand):
    thread = thread_factory(brand, replies=1)
    return reverse("community:thread", args=[brand.slug, thread.pk])


@pytest.mark.django_db
def test_thread_page_is_german_by_default(client, thread_url):
    html = client.get(thread_url).content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html and "1 Antwort" in html and "Skip to content" not in html


@pytest.mark.django_db
def test_thread_page_is_english_with_accept_language(client, thread_url):
    html = client.get(thread_url, headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "1 reply" in html and "Zum Inhalt springen" not in html


@pytest.mark.django_db
def test_language_switch_sticks(client, thread_url):
    response = client.post(reverse("set_language"), {"language": "en", "next": thread_url})
    assert response.status_code == 302 and response["Location"] == thread_url
    assert "Skip to content" in client.get(thread_url).content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": thread_url})
    assert "Zum Inhalt springen" in client.get(thread_url, headers={"accept-language": "en"}).content.decode()
