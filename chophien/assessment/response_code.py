"""Response codes: one survey response packed into a short, checksummed text (and QR) code, and back.

An enumerator without signal can dictate, text or show a response as a code such as
`1K7QM-3XR0A-…`. The format (docs/assessment.md, "Response codes") is shared with
theme/static/js/response-code.js, which encodes and decodes exactly as this module does; the
test vectors in tests/assessment/response_code_vectors.json are checked on both sides.

Layout, version 1. Characters are Crockford base32 (0-9, A-Z without I, L, O, U), which QR
codes hold in their compact alphanumeric mode; the decoder ignores spaces and dashes, reads
lowercase, and O as 0, I and L as 1. The first character is the format version ("1"); then the
bits below, big-endian, padded with 0 to a multiple of 5; then 4 characters holding the
CRC-16/CCITT-FALSE of the preceding characters' ASCII.

    fingerprint   20  FNV-1a 32 of the codebook's canonical text, low 20 bits: the model, its
                      criteria and their options' points, and the code lists below
    anonymous      1  0: a cooperative on the site, 1: an anonymous id an-xxxxxxxx
    respondent    24  FNV-1a 32 of the cooperative's slug, low 24 bits (found among the site's slugs)
               or 40  the anonymous id's 8 base32 characters (lowercase in the id)
    province, sector, kind, size, equipment: the index in its list, in as few bits as the list needs
    consent        1
    per criterion: the index of the chosen option (lowest points first), in as few bits as needed
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chophien import reference
from chophien.assessment.model import SECTORS, SIZE_BANDS, ScoringModel
from chophien.catalogue.model import KINDS
from chophien.core.text import Bilingual

VERSION = 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
ANONYMOUS_CODE = re.compile(r"an-[0-9abcdefghjkmnpqrstvwxyz]{8}")
GROUP = 5  # characters per group when a code is shown or dictated
FINGERPRINT_BITS = 20
COOPERATIVE_BITS = 24
ANONYMOUS_BITS = 40
CHECK_CHARS = 4
_READ_AS = {"O": "0", "I": "1", "L": "1"}


class CodeProblem(Bilingual):
    """A code that cannot be read: messages in vi/en, and the 1-based character it was found at (0: the whole code)."""

    def __init__(self, vi: str, en: str, position: int = 0):
        super().__init__(vi, en)
        self.position = position


def fnv1a(text: str) -> int:
    """FNV-1a, 32 bits, of *text*'s UTF-8 bytes (codebook texts are ASCII)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def crc16(text: str) -> int:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) of *text*'s ASCII bytes."""
    crc = 0xFFFF
    for byte in text.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def width(count: int) -> int:
    """Bits needed for an index among *count* choices (0 for one choice)."""
    return max(count - 1, 0).bit_length()


@dataclass(frozen=True)
class Codebook:
    """What a code's indexes point into; theme/static/js/response-code.js receives the same lists."""

    model: str
    criteria: tuple[tuple[str, tuple[int, ...]], ...]  # key, the options' points lowest first
    provinces: tuple[str, ...]  # slugs, sorted
    sectors: tuple[str, ...]  # sorted
    kinds: tuple[str, ...]  # sorted
    sizes: tuple[str, ...]  # sorted
    equipment: tuple[str, ...]  # the model's order

    @classmethod
    def of(cls, model: ScoringModel) -> Codebook:
        return cls(
            model=model.slug,
            criteria=tuple((c.key, tuple(c.allowed_points)) for c in model.criteria),
            provinces=tuple(sorted(p.slug for p in reference.provinces())),
            sectors=tuple(sorted(SECTORS)),
            kinds=tuple(sorted(KINDS)),
            sizes=tuple(sorted(SIZE_BANDS)),
            equipment=tuple(e.key for e in model.equipment),
        )

    def canonical(self) -> str:
        criteria = ";".join(f"{key}:{','.join(map(str, points))}" for key, points in self.criteria)
        lists = (self.provinces, self.sectors, self.kinds, self.sizes, self.equipment)
        return "|".join((f"v{VERSION}", self.model, criteria, *(",".join(items) for items in lists)))

    @property
    def fingerprint(self) -> int:
        return fnv1a(self.canonical()) & ((1 << FINGERPRINT_BITS) - 1)

    def as_json(self) -> dict:
        return {
            "version": VERSION,
            "model": self.model,
            "criteria": [[key, list(points)] for key, points in self.criteria],
            "provinces": list(self.provinces),
            "sectors": list(self.sectors),
            "kinds": list(self.kinds),
            "sizes": list(self.sizes),
            "equipment": list(self.equipment),
            "fingerprint": self.fingerprint,
        }

    def fields(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return (
            ("province", self.provinces),
            ("sector", self.sectors),
            ("kind", self.kinds),
            ("size", self.sizes),
            ("equipment", self.equipment),
        )

    def length(self, anonymous: bool) -> int:
        """The number of characters of a code (without dashes)."""
        bits = FINGERPRINT_BITS + 1 + (ANONYMOUS_BITS if anonymous else COOPERATIVE_BITS) + 1
        bits += sum(width(len(items)) for _, items in self.fields())
        bits += sum(width(len(points)) for _, points in self.criteria)
        return 1 + -(-bits // 5) + CHECK_CHARS


def cooperative_hash(slug: str) -> int:
    return fnv1a(slug) & ((1 << COOPERATIVE_BITS) - 1)


class _Bits:
    def __init__(self):
        self.bits: list[int] = []

    def put(self, value: int, count: int) -> None:
        for shift in range(count - 1, -1, -1):
            self.bits.append((value >> shift) & 1)

    def chars(self) -> str:
        bits = self.bits + [0] * (-len(self.bits) % 5)
        return "".join(ALPHABET[int("".join(map(str, bits[i : i + 5])), 2)] for i in range(0, len(bits), 5))


def encode(codebook: Codebook, response: dict) -> str:
    """The code of *response* (respondent, province slug, sector, kind, size, equipment, consent, answers)."""
    out = _Bits()
    out.put(codebook.fingerprint, FINGERPRINT_BITS)
    respondent = response["respondent"]
    if respondent.startswith("an-"):
        if not ANONYMOUS_CODE.fullmatch(respondent):
            raise ValueError(f"an anonymous id in a code is an- and 8 base32 characters, not {respondent!r}")
        out.put(1, 1)
        for char in respondent[3:]:
            out.put(ALPHABET.index(char.upper()), 5)
    else:
        out.put(0, 1)
        out.put(cooperative_hash(respondent), COOPERATIVE_BITS)
    for name, items in codebook.fields():
        out.put(items.index(response[name]), width(len(items)))
    out.put(1 if response["consent"] else 0, 1)
    for key, points in codebook.criteria:
        out.put(points.index(response["answers"][key]), width(len(points)))
    body = str(VERSION) + out.chars()
    return body + _check(body)


def _check(body: str) -> str:
    crc = crc16(body)
    return "".join(ALPHABET[(crc >> shift) & 31] for shift in (15, 10, 5, 0))


def grouped(code: str) -> str:
    """*code* in groups of GROUP characters joined by dashes, for reading aloud."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> tuple[str, list[int]]:
    """The code's characters (uppercase, O→0, I/L→1, no spaces or dashes) and each one's 1-based place in *text*."""
    chars, places = [], []
    for place, char in enumerate(text, 1):
        if char in " -\t":
            continue
        upper = _READ_AS.get(char.upper(), char.upper())
        if upper not in ALPHABET:
            raise CodeProblem(
                f"ký tự “{char}” ở vị trí {place} không có trong bảng mã (chỉ 0–9 và A–Z trừ I, L, O, U)",
                f"character “{char}” at position {place} is not in the code alphabet (0–9 and A–Z except I, L, O, U)",
                place,
            )
        chars.append(upper)
        places.append(place)
    return "".join(chars), places


def decode(codebook: Codebook, text: str, cooperative_slugs) -> dict:
    """The response a code holds, or CodeProblem naming what is wrong and where."""
    code, places = normalise(text)
    if not code:
        raise CodeProblem("mã trống", "empty code")
    if code[0] != str(VERSION):
        raise CodeProblem(
            f"mã bắt đầu bằng “{code[0]}”: chỉ đọc được mã phiên bản {VERSION} (bắt đầu bằng {VERSION})",
            f"the code starts with “{code[0]}”: only version {VERSION} codes (starting with {VERSION}) can be read",
            places[0],
        )
    lengths = {codebook.length(False), codebook.length(True)}
    checked = len(code) > CHECK_CHARS + 1 and _check(code[:-CHECK_CHARS]) == code[-CHECK_CHARS:]
    if not checked:
        if len(code) not in lengths:
            expected = " hoặc ".join(map(str, sorted(lengths)))
            raise CodeProblem(
                f"mã có {len(code)} ký tự, mã của khảo sát này có {expected}: thiếu hoặc thừa ký tự",
                f"the code has {len(code)} characters, this survey's have {expected.replace('hoặc', 'or')}: "
                "characters are missing or extra",
            )
        raise CodeProblem(
            "mã sai (tổng kiểm tra không khớp): đọc lại từng nhóm ký tự với người gửi",
            "wrong code (the checksum does not match): read each group again with the sender",
        )
    bits = "".join(format(ALPHABET.index(c), "05b") for c in code[1:-CHECK_CHARS])
    reader = _Reader(bits, places[1:])
    if reader.take(FINGERPRINT_BITS) != codebook.fingerprint:
        raise CodeProblem(
            f"mã này được tạo cho một bộ câu hỏi khác (không phải {codebook.model} của khảo sát này, "
            "hoặc danh sách đã thay đổi)",
            f"this code was made for another questionnaire (not this survey's {codebook.model}, or the lists changed)",
            places[1],
        )
    anonymous = reader.take(1) == 1
    if len(code) != codebook.length(anonymous):
        raise CodeProblem(
            f"mã có {len(code)} ký tự, cần {codebook.length(anonymous)}",
            f"the code has {len(code)} characters, {codebook.length(anonymous)} are needed",
        )
    response: dict = {}
    if anonymous:
        response["respondent"] = "an-" + "".join(ALPHABET[reader.take(5)] for _ in range(8)).lower()
    else:
        wanted = reader.take(COOPERATIVE_BITS)
        matches = sorted(s for s in cooperative_slugs if cooperative_hash(s) == wanted)
        if len(matches) != 1:
            raise CodeProblem(
                "mã chỉ tới một hợp tác xã không có trong danh mục của trang"
                if not matches
                else f"mã chỉ tới nhiều hợp tác xã ({', '.join(matches)}): hãy gửi tệp CSV thay cho mã",
                "the code points to a cooperative that is not in the site's catalogue"
                if not matches
                else f"the code points to several cooperatives ({', '.join(matches)}): send the CSV file instead",
                reader.place(),
            )
        response["respondent"] = matches[0]
    for name, items in codebook.fields():
        response[name] = reader.choose(items, name)
    response["consent"] = reader.take(1) == 1
    response["answers"] = {key: reader.choose(points, key) for key, points in codebook.criteria}
    if reader.rest() != 0:
        raise CodeProblem(
            "mã có bit thừa khác 0 ở cuối", "the code has non-zero padding bits at its end", reader.place()
        )
    return response


class _Reader:
    def __init__(self, bits: str, places: list[int]):
        self.bits = bits
        self.places = places
        self.at = 0

    def place(self) -> int:
        return self.places[min(self.at // 5, len(self.places) - 1)]

    def take(self, count: int) -> int:
        value = int(self.bits[self.at : self.at + count] or "0", 2)
        self.at += count
        return value

    def choose(self, items, name: str):
        place = self.place()
        index = self.take(width(len(items)))
        if index >= len(items):
            raise CodeProblem(
                f"{name}: mã có lựa chọn số {index + 1} nhưng chỉ có {len(items)} lựa chọn (ký tự {place})",
                f"{name}: the code holds choice {index + 1} but there are only {len(items)} (character {place})",
                place,
            )
        return items[index]

    def rest(self) -> int:
        return self.take(len(self.bits) - self.at)
