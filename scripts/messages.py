"""`make messages`: extract the UI text of the theme and the package, and update every catalogue.

Message ids are the Vietnamese text as the templates write it (Vietnamese is the source language);
`chophien/locale/messages.pot` is the template, `chophien/locale/<lang>/LC_MESSAGES/messages.po` the
translations (English today). New messages arrive untranslated, changed ones fuzzy: translate them,
remove the fuzzy flag, and the catalogue test (tests/site/test_i18n_catalogue.py) passes again.
The build compiles the .po in memory (chophien/site/i18n.py): no .mo file is kept.

    python scripts/messages.py            extract + update
    python scripts/messages.py --check    exit 1, listing them, when a message is missing,
                                          untranslated or fuzzy in a catalogue (nothing written)
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "chophien" / "locale"
TEMPLATE = LOCALE / "messages.pot"
LANGS = ("en",)
KEYWORDS = ("N_",)  # gettext_noop in Python code (chophien.site.i18n.N_); _/gettext/ngettext are Babel's


def extract(target: Path) -> None:
    """Extract into *target*; locations are relative to the checkout (run from its root: no
    machine's path in the catalogue)."""
    args = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(target)]
    args += ["--sort-by-file", "--add-location=file", "--no-wrap", "--project=chophien"]
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    with contextlib.chdir(ROOT):
        CommandLineInterface().run([*args, "."])


def catalogue(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "messages.po"


def update() -> None:
    LOCALE.mkdir(parents=True, exist_ok=True)
    extract(TEMPLATE)
    for lang in LANGS:
        po = catalogue(lang)
        command = "update" if po.exists() else "init"
        args = ["pybabel", "-q", command, "-i", str(TEMPLATE), "-d", str(LOCALE), "-l", lang, "--no-wrap"]
        if command == "update":
            args.append("--ignore-obsolete")
        CommandLineInterface().run(args)
        print(f"{po.relative_to(ROOT)}: {len(problems(lang, TEMPLATE))} message(s) to translate")


def problems(lang: str, template: Path) -> list[str]:
    """Messages of *template* missing, untranslated or fuzzy in *lang*'s catalogue."""
    with template.open("rb") as file:
        wanted = read_po(file)
    po = catalogue(lang)
    if not po.exists():
        return [f"{po.relative_to(ROOT)} is missing"]
    with po.open("rb") as file:
        have = read_po(file, locale=lang)
    found = []
    for message in wanted:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        key = f"{message.context}|{key}" if message.context else key
        translated = have.get(message.id, context=message.context)
        if translated is None:
            found.append(f"missing: {key!r}")
        elif translated.fuzzy:
            found.append(f"fuzzy: {key!r}")
        elif not all(translated.string) if isinstance(translated.string, tuple) else not translated.string:
            found.append(f"untranslated: {key!r}")
    return found


def check() -> int:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "messages.pot"
        extract(template)
        failures = [f"{lang}: {p}" for lang in LANGS for p in problems(lang, template)]
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only check the catalogues")
    options = parser.parse_args(argv)
    if options.check:
        return check()
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
