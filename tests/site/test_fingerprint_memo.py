"""Page fingerprints: the memo of frozen records never hands one record's text to another."""

from __future__ import annotations

import dataclasses

from chophien.site import fingerprint as fp


@dataclasses.dataclass(frozen=True)
class Record:
    name: str


def _fingerprints_of_short_lived_records(count: int) -> list[str]:
    values = []
    for number in range(count):
        record = Record(f"Tỉnh {number}")
        values.append(fp.fingerprint({"province": record}, ""))
        del record  # freed: CPython gives its memory, and so its id(), to the next Record
    return values


def test_a_record_never_gets_the_fingerprint_of_a_dead_record_with_its_id():
    fp.reset()
    assert len(set(_fingerprints_of_short_lived_records(200))) == 200


def test_the_memo_keeps_each_record_alive_until_reset():
    fp.reset()
    _fingerprints_of_short_lived_records(3)
    assert sorted(entry[0].name for entry in fp._memo.values()) == ["Tỉnh 0", "Tỉnh 1", "Tỉnh 2"]
    fp.reset()
    assert not fp._memo


def test_equal_records_have_equal_fingerprints_and_different_ones_differ():
    fp.reset()
    assert fp.fingerprint({"r": Record("A")}, "") == fp.fingerprint({"r": Record("A")}, "")
    assert fp.fingerprint({"r": Record("A")}, "") != fp.fingerprint({"r": Record("B")}, "")
