"""The project's stand-off NER annotations of ANT sentences (marsad.ner.annotated)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from marsad.ner.annotated import (
    ANNOTATIONS,
    AnnotationError,
    Record,
    corpus_sentence,
    format_record,
    load_annotated,
    parse_record,
    read_records,
    sentence_hash,
    to_bio,
)

LINE_1 = "قال الرئيس عبد الفتاح السيسي إن مصر ستشارك. وزار وفد من الأمم المتحدة القاهرة أمس."
LINE_2 = "ارتفع سعر الدولار في بيروت"


def _corpus(tmp_path: Path) -> Path:
    outlet = tmp_path / "ant" / "ant_demo"
    outlet.mkdir(parents=True)
    (outlet / "ant_demo-0001.txt").write_text(f"عنوان\n{LINE_1}\n{LINE_2}\n", encoding="utf-8")
    return tmp_path / "ant"


def _write(path: Path, records: list[Record]) -> Path:
    path.write_text("# comment\n" + "".join(format_record(r) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_sentences_are_cut_as_the_tagger_cuts_them() -> None:
    first = corpus_sentence(LINE_1, 0)
    second = corpus_sentence(LINE_1, 1)
    assert first[-1] == "." and "السيسي" in first
    assert second[:2] == ["وزار", "وفد"]
    assert corpus_sentence(LINE_1, 5) == []


def test_round_trip_rebuilds_tokens_and_bio_tags(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    s0, s1 = corpus_sentence(LINE_1, 0), corpus_sentence(LINE_1, 1)
    per = (s0.index("عبد"), s0.index("السيسي") + 1, "PER")
    loc = (s0.index("مصر"), s0.index("مصر") + 1, "LOC")
    org = (s1.index("الأمم"), s1.index("المتحدة") + 1, "ORG")
    recs = [
        Record("ant_demo/ant_demo-0001.txt", 2, 0, sentence_hash(s0), (per, loc)),
        Record("ant_demo/ant_demo-0001.txt", 2, 1, sentence_hash(s1), (org,)),
        Record("ant_demo/ant_demo-0001.txt", 3, 0,
               sentence_hash(corpus_sentence(LINE_2, 0)), ()),
    ]
    path = _write(tmp_path / "ann.tsv", recs)
    assert read_records(path) == recs
    data, stale = load_annotated(corpus, path)
    assert stale == 0 and len(data) == 3
    toks, tags = data[0]
    assert [t for t, g in zip(toks, tags, strict=True) if g != "O"] == [
        "عبد", "الفتاح", "السيسي", "مصر"]
    assert tags[per[0]] == "B-PER" and tags[per[0] + 1] == "I-PER"
    assert data[1][1][org[0]: org[1]] == ["B-ORG", "I-ORG"]
    assert set(data[2][1]) == {"O"}


def test_a_changed_corpus_skips_the_record_instead_of_mislabelling(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    s0 = corpus_sentence(LINE_1, 0)
    good = Record("ant_demo/ant_demo-0001.txt", 2, 0, sentence_hash(s0), ((0, 1, "PER"),))
    moved = Record("ant_demo/ant_demo-0001.txt", 3, 0, sentence_hash(s0), ((0, 1, "PER"),))
    path = _write(tmp_path / "ann.tsv", [good, moved])
    data, stale = load_annotated(corpus, path)
    assert len(data) == 1 and stale == 1


def test_round_comments_mark_later_records_and_rounds_can_be_selected(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    s0, s1 = corpus_sentence(LINE_1, 0), corpus_sentence(LINE_1, 1)
    r1 = Record("ant_demo/ant_demo-0001.txt", 2, 0, sentence_hash(s0), ((0, 1, "PER"),))
    r2 = Record("ant_demo/ant_demo-0001.txt", 2, 1, sentence_hash(s1), ((1, 2, "LOC"),))
    path = tmp_path / "ann.tsv"
    path.write_text(f"# header\n{format_record(r1)}\n# round 2 (chosen sentences)\n"
                    f"{format_record(r2)}\n", encoding="utf-8")
    assert [r.round for r in read_records(path)] == [1, 2]
    assert len(load_annotated(corpus, path)[0]) == 2
    only_first, stale = load_annotated(corpus, path, rounds={1})
    assert stale == 0 and [t for t, _ in only_first] == [s0]
    assert [t for t, _ in load_annotated(corpus, path, rounds=[2])[0]] == [s1]


def test_missing_corpus_file_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "ann.tsv", [Record("ant_x/none.txt", 1, 0, "0" * 10, ())])
    with pytest.raises(AnnotationError, match="is missing"):
        load_annotated(tmp_path, path)


@pytest.mark.parametrize("line", [
    "f\t1\t0\tabc",                      # a field short
    "f\t1\t0\tabc\t0-2:PERSON",         # unknown type
    "f\t1\t0\tabc\t3-3:LOC",            # empty span
    "f\tx\t0\tabc\t",                   # line is not a number
])
def test_malformed_lines_name_their_place(line: str) -> None:
    with pytest.raises(AnnotationError, match=r"ann\.tsv:7"):
        parse_record(line, "ann.tsv:7")


def test_overlapping_or_outside_spans_are_refused() -> None:
    assert to_bio(3, [(0, 2, "ORG")]) == ["B-ORG", "I-ORG", "O"]
    with pytest.raises(AnnotationError):
        to_bio(3, [(0, 2, "ORG"), (1, 3, "LOC")])
    with pytest.raises(AnnotationError):
        to_bio(2, [(1, 3, "LOC")])


def test_committed_annotations_parse_and_cover_all_types() -> None:
    recs = read_records(ANNOTATIONS)
    assert len(recs) >= 29_000  # round 1 (16,800 random) + round 2 (12,800 chosen)
    assert Counter(r.round for r in recs) == {1: 16_800, 2: 12_800}
    assert len({(r.file, r.line, r.sentence) for r in recs}) == len(recs)
    types = Counter(t for r in recs for _, _, t in r.spans)
    assert all(types[t] > 500 for t in ("PER", "LOC", "ORG")) and types["MISC"] > 200
    assert len({r.file.split("/")[0] for r in recs}) == 6  # every ANT outlet


def test_committed_annotations_match_the_shared_corpus(shared_data: Path) -> None:
    data, stale = load_annotated(shared_data / "corpus" / "ant")
    assert stale == 0
    assert len(data) == len(read_records(ANNOTATIONS))
    assert sum(len(t) for t, _ in data) > 780_000
