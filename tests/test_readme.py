"""The README stays true: its SQL runs on both backends with these results, its commands exist."""

from __future__ import annotations

import re

import click
import pytest
from conftest import REPO, SEEDS, Database

from etl.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, flags=re.S)

# expected rows per README query, compared sorted: CJK ordering depends on the database collation
EXPECTED = [
    [
        ("我们会给一个书面回复，但内容请俄方保密", "新媒体/观察者网/首页", "2022-01-23 17:09:23"),
        ("半夜1点，克里姆林宫电话响了", "新媒体/观察者网/头条", "2022-02-21 22:50:33"),
        ("俄方：无普京与泽连斯基会谈计划", "新媒体/观察者网/头条", "2022-03-02 06:50:07"),
    ],
    [
        ("观察者网", "author", 3),
        ("東洋武士", "proofreader", 1),
        ("東京櫻花団-Tokyo Sakura Group", "publisher", 1),
        ("老黑", "publisher", 1),
        ("捆绑CCP一千年", "writer", 1),
        ("鞠峰", "writer", 1),
        ("齐倩", "writer", 1),
    ],
    [
        ("guancha.cn", 5, 3),
        ("gnews.org", 3, 1),
        ("econotimes.com", 1, 1),
        ("fdd.org", 1, 1),
        ("foxnews.com", 1, 1),
    ],
    [
        ("半夜1点，克里姆林宫电话响了", 2, "爱丽舍宫：“双方已在原则上同意”举行峰会"),
        ("半夜1点，克里姆林宫电话响了", 3, "克里姆林宫证实两次通话，塔斯社报道截图"),
        ("半夜1点，克里姆林宫电话响了", 5, "乌东武装公布的交火视频截图"),
        ("半夜1点，克里姆林宫电话响了", 6, "俄罗斯常驻联合国第一副代表波利扬斯基，视频截图"),
        ("半夜1点，克里姆林宫电话响了", 7, "法新社报道截图"),
        ("半夜1点，克里姆林宫电话响了", 8, "图自央视新闻客户端"),
        ("俄方：无普京与泽连斯基会谈计划", 3, "泽连斯基3月1日接受CNN和路透社采访，图自其脸书视频截图"),
        (
            "我们会给一个书面回复，但内容请俄方保密",
            1,
            "美国国务卿布林肯和俄罗斯外交部长拉夫罗夫2022年1月21日在瑞士日内瓦举行会谈 图自澎湃影像",
        ),
    ],
    [("新媒体", 3), ("新媒体/观察者网", 3), ("新媒体/观察者网/头条", 2), ("新媒体/观察者网/首页", 1)],
    [(1, "succeeded", 4, 4, 0, 0, 0)],
]


def _plain(row: tuple) -> tuple:
    return tuple(str(v)[:19] if hasattr(v, "isoformat") else v for v in row)


def test_readme_has_the_queries_we_check() -> None:
    assert len(QUERIES) == len(EXPECTED) >= 5


@pytest.mark.parametrize("index", range(len(EXPECTED)))
def test_readme_query_runs_with_the_stated_result(db: Database, index: int) -> None:
    db.load(SEEDS)
    rows = [_plain(row) for row in db.rows(QUERIES[index])]
    assert sorted(rows, key=repr) == sorted(EXPECTED[index], key=repr)


def test_readme_usage_matches_the_cli() -> None:
    usage = re.search(r"```\n(etl run .*?)```", README, flags=re.S)
    assert usage is not None
    for line in usage.group(1).splitlines():
        words = line.split()
        command = cli.commands[words[1]]
        if isinstance(command, click.Group):
            command = command.commands[words[2]]
        documented = set(re.findall(r"--[a-z-]+", line))
        assert documented == {opt for p in command.params for opt in p.opts if opt.startswith("--")}
