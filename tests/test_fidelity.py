"""Dates, credits, text and counts an analyst can count on, on real files of the GNews archive
(tests/fixtures/gnews-sample and gnews-archive), both backends (issue 19)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BACKENDS, FIXTURES, SEEDS, Database, fresh_database

from etl.cli import cli

SAMPLE = FIXTURES / "gnews-sample"
ARCHIVE = FIXTURES / "gnews-archive" / "content"
MORE = FIXTURES / "gnews-archive-more" / "content"
# the archive's placeholder dates: a file so named carries no real date
PLACEHOLDER_DAYS = {"19691231", "20141231"}
FILE_DAY = re.compile(r"/(?P<day>\d{8})-\d+\.md$")


def _search(db: Database, *words: str) -> list[dict[str, object]]:
    """`etl search` as a shell runs it: options first, then `--` and the words as typed."""
    result = CliRunner().invoke(
        cli, ["search", "--db", db.url, "--limit", "1000", "--format", "json", "--", *words]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The sample and the archive's extra files, loaded once per backend; tests here only read."""
    with fresh_database(request, request.param, tmp_path_factory.mktemp("fidelity")) as url:
        db = Database(url)
        db.load(SAMPLE, ARCHIVE)
        db.run("run", str(MORE), "--source", "gnews-archive-more")
        yield db
        db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "day"),
    [
        ("transcript/2019/09/20190905-53819054.md", "2019-09-05"),  # not the quoted 1989年6月4日
        ("transcript/2021/09/20210908-53482414.md", "2021-09-08"),  # not the clip's 2021年9月7日
        ("content/transcript/2021/12/20211228-53484198.md", "2021-12-28"),  # not 2017年10月5日
        ("transcript/2023/01/20230104-53702501.md", "2023-01-04"),  # 2023年01月04, no 日
        ("transcript/2019/09/20190928-53863711.md", "2019-09-28"),  # 9月28郭先生, no 日
    ],
)
def test_title_and_file_name_dates_outrank_a_date_line_in_the_body(
    archive: Database, path: str, day: str
) -> None:
    published, precision = archive.rows(
        "SELECT published_at, published_precision FROM articles WHERE source_path = :p", p=path
    )[0]
    assert (str(published)[:10], precision) == (day, "day")


def test_no_transcript_is_dated_against_its_file_name(archive: Database) -> None:
    dated = [
        (path, str(published)[:10].replace("-", ""), FILE_DAY.search(path))
        for path, published in archive.rows(
            "SELECT source_path, published_at FROM articles WHERE source_path LIKE '%transcript/%'"
        )
    ]
    named = [
        (path, day, found["day"])
        for path, day, found in dated
        if found and found["day"] not in PLACEHOLDER_DAYS
    ]
    assert len(named) == 165
    # the one that differs is dated by its title: `…文字版2020年9月25日郭先生GTV盖特视频`
    assert [(path, day) for path, day, file_day in named if day != file_day] == [
        ("transcript/2020/10/20201003-8061043817760123963.md", "20200925")
    ]
    title = archive.scalar(
        "SELECT title FROM articles WHERE source_path = 'transcript/2020/10/20201003-8061043817760123963.md'"
    )
    assert "2020年9月25日" in str(title)


def test_a_transcripts_credit_block(archive: Database) -> None:
    rows = archive.rows(
        "SELECT au.name, x.role, x.affiliation, au.person FROM article_authors x"
        " JOIN authors au ON au.id = x.author_id JOIN articles a ON a.id = x.article_id"
        " WHERE a.source_path = 'transcript/2023/01/20230104-53702501.md' ORDER BY x.position"
    )
    team = ["transcriber", "proofreader", "editor"]
    expected = [
        (name, role, farm, person)
        for name, farm, person in [
            ("软红香", "加拿大红叶农场", "软红香"),
            ("胖丁", "日本银河农场", "胖丁"),  # `日本银河农场 ：   胖丁`
            ("靜心耕耘", "加拿大红叶农场", "静心耕耘"),
            ("Winner为自由而战（文祥）", "加拿大红叶农场", "文祥"),
            ("棒妈", "加拿大红叶农场", "棒妈"),
            ("潜水艇2020", "新中国联邦上海农场", "潜水艇2020"),
            ("月野兔", "美国香草山农场", "月野兔"),
            ("兰草(文泉)", "美国香草山农场", "文泉"),
        ]
        for role in team
    ]
    expected += [
        ("文敏", "publisher", "加拿大红叶农场", "文敏"),
        ("文敏", "reviewer", "加拿大红叶农场", "文敏"),
    ]
    assert rows == expected


def test_no_credit_is_a_fragment_of_speech_or_a_bracket_list(archive: Database) -> None:
    names = [name for (name,) in archive.rows("SELECT name FROM authors")]
    assert [n for n in names if re.search(r"[，,。？！?!…【】]", n) or len(n) > 30] == []
    writers = archive.rows(
        "SELECT au.name, a.source_path FROM article_authors x JOIN authors au ON au.id = x.author_id"
        " JOIN articles a ON a.id = x.article_id WHERE x.role IN ('writer', 'author')"
    )
    assert writers == [("麦克阿Sir（雅典娜）", "content/transcript/2022/02/20220216-53479527.md")]  # 撰稿：


def test_people_are_counted_once_under_all_their_spellings(archive: Database) -> None:
    spellings = archive.rows(
        "SELECT person, count(DISTINCT name) FROM v_article_credits"
        " WHERE person IN ('文泉', '静心耕耘', '文敏')"
        " GROUP BY person ORDER BY person"
    )
    assert spellings == [("文敏", 2), ("文泉", 2), ("静心耕耘", 2)]
    assert archive.rows(
        "SELECT DISTINCT name FROM v_article_credits WHERE person = '文泉' ORDER BY name"
    ) == [("兰草(文泉)",), ("兰草（文泉）",)]
    assert archive.rows(
        "SELECT DISTINCT name FROM v_article_credits WHERE person = '文敏' ORDER BY name"
    ) == [("文敏",), ("风起云间（文敏）",)]


def test_the_views_show_credits_and_the_publisher(archive: Database) -> None:
    assert archive.rows(
        "SELECT credits, publisher FROM v_articles WHERE source_path = 'content/gnews/2444188.md'"
    ) == [("喜马拉雅农场新西兰站 (publisher)", "喜马拉雅农场新西兰站")]
    credits = archive.scalar(
        "SELECT credits FROM v_articles WHERE source_path = 'transcript/2023/01/20230104-53702501.md'"
    )
    assert str(credits).startswith(
        "软红香 (editor, proofreader, transcriber); 胖丁 (editor, proofreader, transcriber);"
    )
    assert str(credits).endswith("; 文敏 (publisher, reviewer)")
    assert archive.rows("SELECT count(*), count(credits), count(publisher) FROM v_articles") == [
        (202, 38, 29)
    ]


def test_furniture_leaves_the_text_and_stays_in_the_html(archive: Database) -> None:
    body_text, char_count, body_html = archive.rows(
        "SELECT body_text, char_count, body_html FROM articles"
        " WHERE source_path = 'content/gettr/p2da20s2581.md'"
    )[0]
    assert body_text == "七哥的话一次又一次的被验证\n#freemilesguonow\n#freeyvettewang"
    assert char_count == len(body_text) == 46
    assert ":arrows_clockwise: p2da20s2581 已轉發" in body_html and "返回" in body_html
    gnews = archive.scalar("SELECT body_text FROM articles WHERE source_path = 'content/gnews/2444188.md'")
    assert str(gnews).startswith(
        "据fresnobee新闻网报导，美国国会众议院议长迈克·约翰逊（Mike Johnson）周日表示"
    )
    furnished = archive.scalar(
        "SELECT count(*) FROM articles WHERE body_text LIKE ':house:%' OR body_text LIKE '%轉載自GNews%'"
        " OR body_text LIKE '%轉發自GETTR%' OR body_text LIKE '%已轉發%' OR char_count != length(body_text)"
    )
    assert furnished == 0
    assert (
        archive.scalar("SELECT summary FROM articles WHERE source_path = 'content/gettr/p2da20s2581.md'")
        == "七哥的话一次又一次的被验证 #freemilesguonow #freeyvettewang"
    )
    assert _search(archive, "轉載自GNews") == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("about.md", "stub: no title, no date and 4 characters of text"),
        ("battle-2020/README.md", "link list: 27 of its 28 paragraphs are links or addresses, and no title"),
        (
            "court-case-2024/README.md",
            "link list: 7 of its 9 paragraphs are links or addresses, and no title",
        ),
        ("gettr/README.md", "link list: 20 of its 53 paragraphs are links or addresses, and no title"),
    ],
)
def test_pages_that_are_not_articles_are_skipped_with_a_reason(
    archive: Database, path: str, reason: str
) -> None:
    assert archive.rows("SELECT reason FROM skipped_files WHERE source_path = :p", p=path) == [(reason,)]
    assert archive.scalar("SELECT count(*) FROM articles WHERE source_path = :p", p=path) == 0


def test_content_ids_of_other_schemes_keep_their_case(archive: Database) -> None:
    urls = archive.rows(
        "SELECT i.url FROM images i JOIN article_images x ON x.image_id = i.id"
        " JOIN articles a ON a.id = x.article_id WHERE a.source_path = 'content/gnews/2444412.md'"
        " AND i.url LIKE 'ipfs:%' ORDER BY x.position"
    )
    assert urls[0] == ("ipfs://QmTNfweDwQ9bNnYin1FHriLmgN4kgrcbt7XeewzYCNmncu?.png",)
    assert len(urls) == 6


@pytest.mark.parametrize(
    ("queries", "count"),
    [
        # Postgres's parser keeps `Miles.Guo`, `gettr.com` and `Sherry-Netherland` as one token;
        # the index text splits them as FTS5 does, so both backends find the same articles
        (['"Miles Guo"', "Miles.Guo", "miles_guo"], 24),
        (["gettr.com", '"gettr com"'], 8),
        (["Sherry-Netherland", '"Sherry Netherland"'], 4),
        (["co-conspirator"], 2),
    ],
)
def test_both_backends_split_words_alike(archive: Database, queries: list[str], count: int) -> None:
    for query in queries:
        assert len(_search(archive, query)) == count, query


def test_snippets_centre_on_the_word_that_matched(archive: Database) -> None:
    snippets = {match["snippet"] for match in _search(archive, "art")}
    # the first `art` of both is inside `part`, far before the word
    assert snippets == {
        "…and all the rooms and all the art that——that was in the house."
        " Some of it he wanted to keep, some of it he didn't want i…",
        "…JUROR: Spirituality, esoteric art, photography, and other things."
        " THE COURT: Are you involved in clubs or organizations?…",
    }


def test_several_words_after_double_dash_are_one_query(archive: Database) -> None:
    joined = _search(archive, "-拜登", "普京")
    assert joined == _search(archive, "普京 -拜登")
    assert len(joined) == 11


def test_stats_name_the_row_without_a_value(db: Database, tmp_path: Path) -> None:
    undated = tmp_path / "undated"
    shutil.copytree(SEEDS, undated)
    seed = sorted(undated.iterdir())[0]
    seed.write_text(re.sub(r"(?m)^date:.*\n", "", seed.read_text(encoding="utf-8")), encoding="utf-8")
    db.load(undated)
    table = db.run("stats", "--by", "month").stdout.splitlines()
    assert table[-1].split() == ["(undated)", "1"]
    assert db.run("stats", "--by", "month", "--format", "csv").stdout.splitlines()[-1] == "(undated),1"
    assert json.loads(db.run("stats", "--by", "month", "--format", "json").stdout)[-1] == {
        "month": None,
        "articles": 1,
    }


def test_a_run_that_finds_no_article_files_says_so(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    others = tmp_path / "others"
    others.mkdir()
    shutil.copy(FIXTURES / "revisions" / "labels.json", others)
    for folder in (empty, others):
        result = db.load(folder)
        assert f"Warning: no article files (.markdown, .md, .txt) under {folder}" in result.stderr
        summary = json.loads(db.run("run", str(folder), "--json").stdout)
        assert summary["warnings"] == [f"no article files (.markdown, .md, .txt) under {folder}"]
    loaded = db.load(SEEDS)
    assert "Warning" not in loaded.stderr


def _credits_of(db: Database, path: str) -> list[tuple[str, str, str | None]]:
    return db.rows(
        "SELECT au.name, x.role, x.affiliation FROM article_authors x JOIN authors au ON au.id = x.author_id"
        " JOIN articles a ON a.id = x.article_id JOIN sources s ON s.id = a.source_id"
        " WHERE s.name = 'gnews-archive-more' AND a.source_path = :p ORDER BY x.position",
        p=path,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # a team before the slash is the affiliation of the name after it
        (
            "transcript/2022/01/20220103-1821154.md",
            [
                ("Peterwong", "transcriber", "东京樱花团"),
                ("Peterwong", "editor", "东京樱花团"),
                ("知了知了", "proofreader", "东京樱花团"),
                ("平安卿卿", "publisher", "东京樱花团"),
            ],
        ),
        # compound labels: 编辑整理及发布, 校对整合
        (
            "transcript/2021/09/20210919-1560793.md",
            [("黎明之前", "editor", None), ("黎明之前", "publisher", None)],
        ),
        # 速记 and 机听字幕 are transcription
        (
            "transcript/2023/01/20230128-53785826.md",
            [
                ("Maizi", "transcriber", None),
                ("Sadhu", "transcriber", None),
                ("枫叶红了", "proofreader", None),
                ("枫叶红了", "publisher", None),
            ],
        ),
        # a transcription group with its members in brackets, on its line or on the next
        (
            "transcript/2020/10/20201003-8061043817760123963.md",
            [
                ("彩虹桥（文桥）", "transcriber", "VOG战友之家听写组"),
                ("SCELF (文正)", "transcriber", "VOG战友之家听写组"),
            ],
        ),
        # the site before a source link with no date is the publisher
        (
            "gnews/1/README.md",
            [
                ("雅典娜GNotes", "publisher", None),
                ("雅典娜速记组", "editor", None),
                ("tianzhihuan", "editor", None),
                ("tianzhihuan", "publisher", None),
            ],
        ),
    ],
)
def test_credit_rules_on_more_of_the_archive(
    archive: Database, path: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert _credits_of(archive, path) == expected


def test_more_of_the_archive_groups_pages_and_furniture(archive: Database) -> None:
    group = _credits_of(archive, "transcript/2021/01/20210112-769872.md")
    assert [name for name, _, _ in group][:3] == ["Embracer牙牙", "Winner为自由而战（文祥）", "杯酒渐浓"]
    assert {(role, team) for _, role, team in group} == {("transcriber", "喜马拉雅听写组")} and len(
        group
    ) == 10
    # two credits run together with no space are not read: a label inside a name is a name
    assert _credits_of(archive, "transcript/2022/05/20220513-2531015.md")[1:] == [
        ("Peterwong", "transcriber", "东京樱花团"),
        ("Peterwong", "editor", "东京樱花团"),
    ]
    # the handle before a farm is the person
    assert archive.rows("SELECT au.name, au.person FROM authors au WHERE au.name LIKE 'Andy5%'") == [
        ("Andy5_or_AndySaikai日本东京星辰农场", "andy5_or_andysaikai")
    ]
    # a titled article with a footer of links is an article, not an index page
    assert (
        archive.scalar("SELECT title FROM articles WHERE source_path = 'gnews/1/README.md'")
        == "问题:郭叔想吃其他菜系的话会到哪里吃呢（二）"
    )
    starts = archive.rows(
        "SELECT a.source_path, substr(a.body_text, 1, 12) FROM articles a"
        " JOIN sources s ON s.id = a.source_id"
        " WHERE s.name = 'gnews-archive-more' AND a.source_path IN"
        " ('transcript/2019/03/20190305-7678928871394571383.md', 'transcript/2022/05/20220502-2457000.md')"
        " ORDER BY a.source_path"
    )
    assert starts == [
        ("transcript/2019/03/20190305-7678928871394571383.md", "文字版****2019年"),
        ("transcript/2022/05/20220502-2457000.md", "视频链接：https:/"),
    ]
