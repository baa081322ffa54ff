from newsclean.pipeline import clean_document
from newsclean.record import to_record
from schemas import validate_records


def _record(raw_dir):
    return to_record(clean_document((raw_dir / "004_532e919b6eb4de28.txt").read_bytes(), "004.txt"))


def test_sample_record_is_valid(raw_dir):
    valid, invalid = validate_records([_record(raw_dir)])
    assert len(valid) == 1 and invalid == []


def test_broken_records_are_refused_with_the_failed_checks(raw_dir):
    good = _record(raw_dir)
    bad_offsets = dict(good, id="ab" * 10, flags=[dict(good["flags"][0], start=good["flags"][0]["start"] + 1)])
    bad_lang = dict(good, id="cd" * 10, language="english", published="last Tuesday")
    empty = dict(good, id="ef" * 10, text="   ")
    valid, invalid = validate_records([good, bad_offsets, bad_lang, empty])
    assert [r["id"] for r in valid] == [good["id"]]
    reasons = {r["id"]: " ".join(m) for r, m in invalid}
    assert "text_equals_body_slice" in reasons["ab" * 10]
    assert "language" in reasons["cd" * 10] and "iso_8601_date" in reasons["cd" * 10]
    assert "document.text" in reasons["ef" * 10]


def test_an_undetermined_language_is_recorded_as_und_and_written(raw_dir):
    good = _record(raw_dir)
    valid, invalid = validate_records([dict(good, language="und"), dict(good, id="ab" * 10, language="xx")])
    assert [r["language"] for r in valid] == ["und"]
    assert [r["id"] for r, _ in invalid] == ["ab" * 10]
