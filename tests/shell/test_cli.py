"""The `marsad` command line: names, output shapes and exit codes are a contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
MARSAD = str(Path(sys.executable).parent / "marsad")


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [MARSAD, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=full_env,
    )


def ingest_as(tmp_path: Path, db: str, name: str, text: str, outlet: str) -> None:
    """Write one plain-text article and ingest it under ``outlet``."""
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    res = run("ingest", str(path), "--db", db, "--source", outlet)
    assert res.returncode == 0, res.stderr


def test_extract_prints_one_json_object_per_input(tmp_path: Path) -> None:
    html = SAMPLES / "01-shorouk-news-mercenaries-libya.html"
    missing = tmp_path / "nope.html"
    result = run(
        "extract", str(html), str(SAMPLES / "14-libya-defense-denies-mercenaries.txt"), str(missing)
    )
    assert result.returncode == 0, result.stderr  # something succeeded
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    first = records[0]
    for key in (
        "source",
        "title",
        "text",
        "published_at",
        "language",
        "author",
        "sitename",
        "entities",
        "attributions",
        "quantities",
        "error",
    ):
        assert key in first
    assert first["error"] is None and first["language"] == "ar"
    assert first["published_at"] == "2024-05-14"
    assert "مرتزق" in first["title"]
    for ent in first["entities"]:
        assert first["text"][ent["start"] : ent["end"]] == ent["text"]
        assert ent["type"] in {"PER", "LOC", "ORG", "MISC"}
    assert any(q["value"] == 1500 for q in first["quantities"])
    assert any(a["denial"] for a in first["attributions"]) or first["attributions"]
    assert records[2]["error"] and "no such file" in records[2]["error"]
    assert "no such file" in result.stderr


def test_extract_fails_only_when_nothing_succeeded(tmp_path: Path) -> None:
    bad = tmp_path / "image.html"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    docx = tmp_path / "notes.docx"
    docx.write_bytes(b"PK\x03\x04")
    result = run("extract", str(bad), str(docx))
    assert result.returncode == 1
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [bool(x["error"]) for x in lines] == [True, True]
    assert "unsupported" in lines[1]["error"]


def test_dedup_reads_headlines_and_groups_variants() -> None:
    headlines = (
        "\n".join(
            [
                "بوتين يعترف بوجود مرتزقة روس في ليبيا",
                "عاجل | بوتين يعترف بوجود مرتزقة روس في ليبيا",
                "بوتين ينفي وجود مرتزقة روس في ليبيا",
                "بُوتين يَعترف بوجود مرتزقة روس في ليبيا - الشروق أونلاين",
            ]
        )
        + "\n"
    )
    result = run("dedup", stdin=headlines)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["index"] for r in rows] == [0, 1, 2, 3]
    c = [r["cluster"] for r in rows]
    assert c[0] == c[1] == c[3] and c[2] != c[0]


def test_ner_prints_entities_with_offsets_per_line() -> None:
    text = "قال الرئيس عبد المجيد تبون في الجزائر إن الحكومة ستدعم الفلاحين\nسطر بلا أسماء\n"
    result = run("ner", stdin=text)
    if result.returncode != 0 and "NER disabled" in result.stderr:
        pytest.fail(f"no NER backend: {result.stderr}")
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) == 2
    line0 = text.splitlines()[0]
    assert rows[0], "entities expected on the first line"
    for ent in rows[0]:
        assert line0[ent["start"] : ent["end"]] == ent["text"]
    assert any(e["type"] == "LOC" and "الجزائر" in e["text"] for e in rows[0])


def test_ingest_then_query_articles_and_stories(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("ingest", str(SAMPLES), "--db", db)
    assert first.returncode == 0, first.stderr
    assert "articles (new story)" in first.stdout and "duplicates (known story)" in first.stdout
    again = run("ingest", str(SAMPLES), "--db", db)
    assert again.returncode == 0
    arts = [
        json.loads(x)
        for x in run(
            "articles", "--db", db, "--format", "json", "--limit", "1000"
        ).stdout.splitlines()
    ]
    n_inputs = len([p for p in SAMPLES.iterdir() if p.suffix in (".html", ".txt")])
    assert len(arts) == n_inputs  # the second run added nothing
    stories = [
        json.loads(x)
        for x in run(
            "stories", "--db", db, "--format", "json", "--min-size", "2"
        ).stdout.splitlines()
    ]
    assert stories and all(s["size"] >= 2 for s in stories)
    biggest = stories[0]
    members = [
        json.loads(x)
        for x in run(
            "articles", "--db", db, "--format", "json", "--cluster", str(biggest["cluster"])
        ).stdout.splitlines()
    ]
    assert len(members) == biggest["size"]
    dated = [
        json.loads(x)
        for x in run(
            "articles", "--db", db, "--format", "json", "--since", "2024-08-01"
        ).stdout.splitlines()
    ]
    assert dated and all(a["published_at"] >= "2024-08-01" for a in dated)
    by_outlet = [
        json.loads(x)
        for x in run(
            "stories", "--db", db, "--format", "json", "--source", "الشروق نيوز"
        ).stdout.splitlines()
    ]
    assert by_outlet and all("الشروق نيوز" in s["sources"] for s in by_outlet)
    bad_date = run("articles", "--db", db, "--since", "yesterday")
    assert bad_date.returncode != 0 and "YYYY-MM-DD" in bad_date.stderr


def test_articles_by_entity_finds_all_spellings(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ent.db'}"
    docs = tmp_path / "docs"
    docs.mkdir()
    body = (
        "وأوضح المصدر أن القوات انتشرت في محيط المدينة منذ ساعات الصباح الأولى، مشيرا إلى أن "
        "الوضع الأمني مستقر نسبيا رغم التوتر، وأن السكان عادوا تدريجيا إلى أعمالهم اليومية بعد "
        "أيام من الترقب والقلق الذي خيم على الأحياء الجنوبية."
    )
    (docs / "a.txt").write_text(
        f"حفتر يزور بنغازي\nقال المشير خليفة حفتر في بنغازي يوم الأحد إن قواته مستعدة. {body}\n",
        encoding="utf-8",
    )
    (docs / "b.txt").write_text(
        f"لقاء في القاهرة\nالتقى خليفة حفتر في القاهرة وفدا من رجال الأعمال. {body}\n",
        encoding="utf-8",
    )
    (docs / "c.txt").write_text(
        f"أمطار غزيرة في تونس\nهطلت أمطار غزيرة على العاصمة تونس يوم الاثنين. {body}\n",
        encoding="utf-8",
    )
    assert run("ingest", str(docs), "--db", db).returncode == 0
    found = [
        json.loads(x)
        for x in run(
            "articles", "--db", db, "--entity", "حفتر", "--format", "json"
        ).stdout.splitlines()
    ]
    assert sorted(a["title"] for a in found) == ["حفتر يزور بنغازي", "لقاء في القاهرة"]
    told = run("stories", "--db", db, "--entity", "المشير حفتر", "--format", "json")
    assert sorted(json.loads(x)["title"] for x in told.stdout.splitlines()) == [
        "حفتر يزور بنغازي",
        "لقاء في القاهرة",
    ]
    nobody = run("stories", "--db", db, "--entity", "شخص غير موجود", "--format", "json")
    assert nobody.returncode == 0 and nobody.stdout == ""


def test_articles_by_cited_source_and_denials(tmp_path: Path) -> None:
    """`--cited` finds who cites a source under any spelling or longer name; `--denials`
    narrows to articles where a source denies."""
    db = f"sqlite:///{tmp_path / 'cited.db'}"
    docs = tmp_path / "docs"
    docs.mkdir()
    body = (
        "وأوضح التقرير أن الحركة في الميناء عادت إلى طبيعتها بعد ظهر اليوم، وأن السفن "
        "المنتظرة بدأت تفريغ حمولتها تدريجيا وسط إجراءات أمنية مشددة حول الأرصفة والمخازن "
        "القريبة من المدخل الشمالي."
    )
    (docs / "a.txt").write_text(
        f"انفجار في ميناء اللاذقية\nذكرت الوكالة العربية السورية للأنباء (سانا) أن انفجارا "
        f"وقع في ميناء اللاذقية صباح الأحد. {body}\n", encoding="utf-8")
    (docs / "b.txt").write_text(
        f"دمشق تنفي استهداف الميناء\nونفت مصادر عسكرية سورية أن يكون الميناء قد تعرض لقصف، "
        f"بحسب وكالة سانا. {body}\n", encoding="utf-8")
    (docs / "c.txt").write_text(
        f"أمطار غزيرة في تونس\nقال المعهد الوطني للرصد الجوي إن أمطارا غزيرة ستهطل على "
        f"العاصمة تونس يوم الاثنين. {body}\n", encoding="utf-8")
    assert run("ingest", str(docs), "--db", db).returncode == 0

    def titles(*args: str) -> list[str]:
        res = run("articles", "--db", db, "--format", "json", *args)
        assert res.returncode == 0, res.stderr
        return sorted(json.loads(x)["title"] for x in res.stdout.splitlines())

    both = ["انفجار في ميناء اللاذقية", "دمشق تنفي استهداف الميناء"]
    assert titles("--cited", "سانا") == both
    assert titles("--cited", "الوكالة العربية السورية للانباء") == [both[0]]
    assert titles("--cited", "مصادر عسكرية") == [both[1]]
    assert titles("--cited", "مصادر عسكرية", "--denials") == [both[1]]
    shown = run("articles", "--db", db, "--format", "json", "--cited", "سانا")
    cites = {json.loads(x)["title"]: json.loads(x)["citations"] for x in shown.stdout.splitlines()}
    assert [(c["cue"], c["source"], c["denial"]) for c in cites[both[1]]] == [
        ("بحسب", "وكالة سانا", False)
    ]
    assert "انفجارا" in cites[both[0]][0]["sentence"]
    table = run("articles", "--db", db, "--cited", "مصادر عسكرية", env={"COLUMNS": "200"})
    assert table.returncode == 0 and "نفت مصادر عسكرية سورية" in table.stdout
    assert titles("--cited", "سانا", "--denials") == []
    assert titles("--denials") == [both[1]]
    assert titles("--cited", "للرصد الجوي") == ["أمطار غزيرة في تونس"]
    assert titles("--cited", "رويترز") == []
    assert titles("--cited", "نا") == []  # word-aligned: not inside سانا
    empty = run("articles", "--db", db, "--cited", " « » ")
    assert empty.returncode != 0 and "--cited" in empty.stderr


def test_numbers_compare_what_outlets_report_in_one_story(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'nums.db'}"
    tail = (
        "وأشار التقرير إلى أن الطائرات هبطت في مطار عسكري بعيد عن المدن، وأن المقاتلين نقلوا "
        "بعد ذلك في حافلات إلى معسكرات قريبة من الحدود الجنوبية للبلاد، وسط تكتم رسمي. "
        "ولم يصدر أي تعليق من السلطات المحلية حتى ساعة إعداد هذا الخبر."
    )
    stories = {
        "أ": ("وصول 1500 مرتزق إلى جنوب ليبيا", "وصل 1500 مرتزق على متن 12 رحلة جوية."),
        "ب": ("عاجل | وصول 1500 مرتزق إلى جنوب ليبيا", "وصل ألفا مرتزق على متن 12 رحلة جوية."),
        "ج": ("وصول ١٥٠٠ مرتزق الى جنوب ليبيا", "وصل 1500 مرتزق أجنبي على متن 12 رحلة."),
    }
    for outlet, (title, lead) in stories.items():
        ingest_as(tmp_path, db, outlet, f"{title}\n{lead} {tail}\n", f"صحيفة {outlet}")

    def rows(*args: str) -> list[dict]:
        res = run("numbers", "--db", db, "--format", "json", *args)
        assert res.returncode == 0, res.stderr
        return [json.loads(x) for x in res.stdout.splitlines()]

    found = {(r["unit"].split()[0], r["value"]): r for r in rows()}
    assert len({r["cluster"] for r in found.values()}) == 1  # one story
    merc = found[("مرتزق", 1500.0)]
    assert merc["articles"] == 2 and merc["outlets"] == ["صحيفة أ", "صحيفة ج"]
    assert merc["other_values"] == [2000.0]
    assert found[("مرتزق", 2000.0)]["outlets"] == ["صحيفة ب"]
    flights = found[("رحله", 12.0)]
    assert flights["articles"] == 3 and flights["other_values"] == []
    disputed = rows("--disputed")
    assert {(r["unit"].split()[0], r["value"]) for r in disputed} == {("مرتزق", 1500.0),
                                                                     ("مرتزق", 2000.0)}
    assert [r["value"] for r in rows("--unit", "رحلة")] == [12.0]
    assert rows("--cluster", "999") == []
    bad = run("numbers", "--db", db, "--unit", "..")
    assert bad.returncode != 0 and "--unit" in bad.stderr


def test_show_prints_one_stored_article_with_its_story(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'show.db'}"
    body = (
        "ونقلت الوكالة عن شهود عيان أن الحريق اندلع في مستودع للأخشاب قرب الميناء قبل أن "
        "يمتد إلى مبان مجاورة، فيما عملت فرق الإطفاء طوال ساعات الليل على محاصرة النيران "
        "ومنع وصولها إلى خزانات الوقود."
    )
    for name, title, outlet in (("a", "حريق كبير في ميناء بنغازي", "صحيفة أ"),
                                ("b", "عاجل | حريق كبير في ميناء بنغازي", "صحيفة ب")):
        ingest_as(tmp_path, db, name, f"{title}\nأعلن الدفاع المدني الليبي إخماد حريق في "
                  f"بنغازي أتى على 3 مستودعات. {body}\n", outlet)
    res = run("show", "1", "--db", db)
    assert res.returncode == 0, res.stderr
    art = json.loads(res.stdout)
    assert art["title"] == "حريق كبير في ميناء بنغازي" and art["source"] == "صحيفة أ"
    text = art["text"]
    for item in art["entities"] + art["quantities"]:
        assert text[item["start"] : item["end"]] == item["text"]
    assert any(e["text"] == "بنغازي" and e["type"] == "LOC" for e in art["entities"])
    assert ("شهود عيان", "anonymous") in {(a["source"], a["source_kind"])
                                          for a in art["attributions"]}
    assert [(q["value"], q["unit"]) for q in art["quantities"]] == [(3.0, "مستودعات")]
    assert art["story"] == [{"id": 2, "source": "صحيفة ب", "duplicate": True,
                             "title": "عاجل | حريق كبير في ميناء بنغازي"}]
    missing = run("show", "99", "--db", db)
    assert missing.returncode == 1 and "no article 99" in missing.stderr


def test_ingest_reports_bad_inputs_and_exit_code(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'bad.db'}"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(
        "ingest",
        str(empty),
        str(tmp_path / "missing.html"),
        str(tmp_path / "x.pdf"),
        "ftp://x/y",
        "--db",
        db,
    )
    assert result.returncode == 1  # nothing succeeded
    assert "no such file" in result.stderr and "unsupported" in result.stderr
    assert "extraction_empty" in result.stdout
    ok = run(
        "ingest",
        str(SAMPLES / "20-amman-voice-teachers-strike-undated.txt"),
        str(tmp_path / "missing.html"),
        "--db",
        db,
    )
    assert ok.returncode == 0  # one input succeeded


def test_db_upgrade_and_feeds_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'feeds.db'}"
    up = run("db", "upgrade", "--db", db)
    assert up.returncode == 0 and "revision" in up.stdout
    add = run(
        "feeds",
        "add",
        "https://example.com/rss?utm_source=x",
        "--name",
        "مثال",
        "--interval",
        "600",
        "--db",
        db,
    )
    assert add.returncode == 0 and "added feed 1" in add.stdout
    assert "updated feed 1" in run("feeds", "add", "https://example.com/rss", "--db", db).stdout
    listed = [
        json.loads(x)
        for x in run("feeds", "list", "--db", db, "--format", "json").stdout.splitlines()
    ]
    assert [(f["url"], f["name"], f["interval"]) for f in listed] == [
        ("https://example.com/rss", "مثال", 600)
    ]
    assert run("feeds", "add", "not-a-url", "--db", db).returncode == 2
    assert run("feeds", "remove", "1", "--db", db).returncode == 0
    assert run("feeds", "remove", "1", "--db", db).returncode == 1


def test_worker_rejects_unknown_queue() -> None:
    result = run("worker", "-Q", "ingest,bogus")
    assert result.returncode == 2 and "unknown queue" in result.stderr
