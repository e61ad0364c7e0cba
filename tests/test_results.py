"""e4j results: Moodle exports (EN/FR, CSV/XLSX) and the paper template, figures that recover
known gains, small cells suppressed, clear errors, and nothing identifying in the outputs."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from builders.results.analysis import analyse
from builders.results.attempts import choose, read_attempts
from builders.results.tables import TableError, read_table
from conftest import TESTS

DATA = TESTS / "results"


def write_template(path: Path, rows: list[tuple[str, list[int]]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner_code", *(f"q{i}" for i in range(1, len(rows[0][1]) + 1))])
        for code, items in rows:
            writer.writerow([code, *items])
    return path


def synthetic(tmp_path: Path, n: int, gain: float, seed: int = 7) -> tuple[Path, Path, Path]:
    """Learners whose chance of knowing each of 20 items follows a known normalized gain."""
    rng = random.Random(seed)
    pre_rows, post_rows, people = [], [], []
    for index in range(n):
        ability = rng.uniform(0.2, 0.6)
        after = ability + gain * (1 - ability)
        code = f"P{index:03d}"
        pre_rows.append((code, [int(rng.random() < ability) for _ in range(20)]))
        post_rows.append((code, [int(rng.random() < after) for _ in range(20)]))
        people.append(
            (code, "female" if index % 2 else "male", "15-17" if index < n - 3 else "12-14")
        )
    learners = tmp_path / "learners.csv"
    with learners.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner_code", "sex", "age_band"])
        writer.writerows(people)
    return (
        write_template(tmp_path / "pre.csv", pre_rows),
        write_template(tmp_path / "post.csv", post_rows),
        learners,
    )


@pytest.mark.parametrize("gain", [0.3, 0.6])
def test_known_gain_is_recovered(tmp_path, gain):
    pre, post, learners = synthetic(tmp_path, 300, gain)
    summary = analyse(pre, post, learners)
    estimate = summary["normalized_gain"]
    assert summary["matched"] == 300 and summary["unmatched_pre"] == 0
    assert estimate["ci_low"] <= gain <= estimate["ci_high"]
    assert abs(estimate["estimate"] - gain) < 0.05
    assert summary["pre_mean_ci"]["ci_low"] <= 40 <= summary["pre_mean_ci"]["ci_high"]
    assert summary["effect_size_dz"] > 1
    sex = summary["groups"]["sex"]
    assert set(sex) == {"female", "male"} and sex["female"]["n"] == 150
    assert summary["groups"]["age_band"]["12-14"] == {"n": 3, "suppressed": True}
    assert len(summary["items"]) == 20
    assert all(item["post_correct"] >= item["pre_correct"] for item in summary["items"])


def test_no_gain_gives_an_interval_around_zero(tmp_path):
    pre, post, _ = synthetic(tmp_path, 200, 0.0)
    estimate = analyse(pre, post)["normalized_gain"]
    assert estimate["ci_low"] <= 0 <= estimate["ci_high"]


def test_mcnemar_is_the_exact_binomial_test():
    import math

    from builders.results.stats import mcnemar

    for gained, lost in [(0, 1), (1, 5), (3, 3), (10, 25), (40, 60), (2, 30), (450, 400)]:
        n = gained + lost
        exact = min(1.0, 2 * sum(math.comb(n, k) for k in range(min(gained, lost) + 1)) / 2**n)
        pairs = [(False, True)] * gained + [(True, False)] * lost + [(True, True)] * 7
        assert mcnemar(pairs) == round(exact, 3)


@pytest.mark.slow
def test_a_cohort_of_fifty_thousand_learners_is_analysed(tmp_path):
    """A MOOC-sized cohort: the bootstrap drew its resamples one index at a time and McNemar
    summed binomial coefficients of 10,000-digit numbers, so 20,000 learners took minutes and
    50,000 far longer. (The timeout only stops a run that hangs.)"""
    import subprocess
    import sys

    pre, post, learners = synthetic(tmp_path, 50_000, 0.4)
    done = subprocess.run(
        [sys.executable, "-m", "builders", "results", "--pre", str(pre), "--post", str(post),
         "--learners", str(learners), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "out/summary.json").read_text("utf-8"))
    gain = summary["normalized_gain"]
    assert summary["matched"] == 50_000 and gain["ci_low"] <= 0.4 <= gain["ci_high"]


def test_moodle_english_grades_download():
    attempts = read_attempts(read_table(DATA / "moodle-grades-en.csv"))
    assert [a.key for a in attempts] == [
        "l001",
        "l001",
        "l002",
        "l004",
    ]  # in progress, average dropped
    assert choose(attempts, "first")["l001"].percent == 40
    assert choose(attempts, "last")["l001"].percent == 60
    assert choose(attempts, "best")["l001"].items == {"Q1": 1.0, "Q2": 0.2}
    assert attempts[-1].items == {"Q1": 0.0, "Q2": 0.6}  # '-' is an unanswered item


def test_moodle_french_site_with_decimal_commas(tmp_path):
    summary = analyse(
        DATA / "moodle-grades-en.csv",
        DATA / "moodle-grades-fr.csv",
        DATA / "learners.csv",
        attempt="last",
        min_cell=2,
    )
    assert (summary["matched"], summary["unmatched_pre"], summary["unmatched_post"]) == (3, 0, 1)
    assert summary["pre_mean"] == pytest.approx((60 + 50 + 30) / 3, abs=0.01)
    assert summary["post_mean"] == pytest.approx((90 + 75 + 80) / 3, abs=0.01)
    assert summary["groups"]["sex"]["female"]["n"] == 2
    assert summary["groups"]["sex"]["male"] == {"n": 1, "suppressed": True}


def test_xlsx_downloads_read_like_csv(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    with (DATA / "moodle-grades-en.csv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in row])
    book.save(tmp_path / "pre.xlsx")
    from_xlsx = read_attempts(read_table(tmp_path / "pre.xlsx"))
    from_csv = read_attempts(read_table(DATA / "moodle-grades-en.csv"))
    assert [(a.key, a.percent, a.items) for a in from_xlsx] == [
        (a.key, a.percent, a.items) for a in from_csv
    ]


def _rezip(source, target, change):
    """A copy of the zip `source` with each member's bytes passed through `change`."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            new.writestr(member.filename, change(member.filename, old.read(member)))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Grade/10.00,ID number\n\xff\x81,1\n",
         ":2:1: error[results.file]: the file is neither UTF-8 nor Windows-1252 text"),
        (b'Grade/10.00,ID number\n5,"' + b"x" * 200_000 + b'"\n',
         ":2:1: error[results.file]: not a readable CSV file: field larger than field limit"),
        ("sheet-broken", ":1:1: error[results.file]: not a readable XLSX file"),
        ("sheet-huge", ":1:1: error[results.file]: the workbook unpacks to more than 1 MB"),
    ],
)
def test_unreadable_tables_are_located_errors(content, message, tmp_path, run_cli, monkeypatch):
    """Bytes no encoding we read takes, a cell csv refuses, a sheet openpyxl fails on while it
    reads the rows (not while it opens the file), and an XLSX that unpacks to too much."""
    from openpyxl import Workbook

    import builders.results.tables as tables

    table = tmp_path / "table.csv"
    if isinstance(content, bytes):
        table.write_bytes(content)
    else:
        book = Workbook()
        book.active.append(["Grade/10.00", "ID number"])
        book.save(tmp_path / "good.xlsx")
        table = tmp_path / "table.xlsx"
        monkeypatch.setattr(tables, "MAX_UNPACKED", 1_000_000)
        _rezip(tmp_path / "good.xlsx", table, lambda name, data: data if "sheet1" not in name
               else data[:-40] if content == "sheet-broken" else data + b" " * 2_000_000)
    result = run_cli("results", "--pre", table, "--post", table, "--out", tmp_path / "r")
    assert result.code == 1 and f"{table}{message}" in result.err, result.err
    assert "Traceback" not in result.err


def test_malformed_files_name_file_row_and_column(tmp_path, run_cli):
    broken = tmp_path / "broken.csv"
    text = (DATA / "moodle-grades-en.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace(",5.00,5.00,0.00", ",five,5.00,0.00"), encoding="utf-8")
    with pytest.raises(TableError) as info:
        read_attempts(read_table(broken))
    assert str(info.value.diagnostic.loc) == f"{broken}:4:9"
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("Grade/10.00\n5.00\n", encoding="utf-8")
    result = run_cli("results", "--pre", nameless, "--post", nameless, "--out", tmp_path / "r")
    assert result.code == 1 and f"{nameless}:1:1: error[results.row]" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("find", "replace", "where", "message"),
    [
        (",4.00,2.00,2.00", ",inf,2.00,2.00", "2:9", "'inf' is not a grade"),
        (",4.00,2.00,2.00", ",4.00,NaN,2.00", "2:10", "'NaN' is not a mark"),
        ("Grade/10.00", "Grade/0.00", "1:9", "'Grade/0.00' gives no grade to reach"),
        ("Grade/10.00", "Grade/" + "9" * 400, "1:9", "gives no grade to reach"),
    ],
)
def test_grades_no_analysis_can_use_are_located(find, replace, where, message, tmp_path):
    """float() reads 'inf' and 'nan', and 400 nines as infinity."""
    broken = tmp_path / "broken.csv"
    text = (DATA / "moodle-grades-en.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace(find, replace, 1), encoding="utf-8")
    with pytest.raises(TableError) as info:
        read_attempts(read_table(broken))
    assert str(info.value.diagnostic.loc) == f"{broken}:{where}"
    assert message in info.value.diagnostic.message


def test_a_question_worth_no_marks_is_left_out_of_item_analysis(tmp_path):
    """Moodle lets a question carry 0 marks: it is neither right nor wrong (it divided by 0)."""
    broken = tmp_path / "zero.csv"
    text = (DATA / "moodle-grades-en.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace("Q. 1 /5.00", "Q. 1 /0.00", 1), encoding="utf-8")
    attempts = read_attempts(read_table(broken))
    assert attempts and all(set(a.items) == {"Q2"} for a in attempts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_and_summary_hold_no_identifying_data(tmp_path, run_cli, lang):
    out = tmp_path / "report"
    result = run_cli(
        "results",
        "--pre",
        DATA / "moodle-grades-en.csv",
        "--post",
        DATA / "moodle-grades-fr.csv",
        "--learners",
        DATA / "learners.csv",
        "--min-cell",
        "2",
        "--lang",
        lang,
        "--out",
        out,
    )
    assert result.code == 0, result.err
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "matched",
        "unmatched_pre",
        "unmatched_post",
        "pre_mean",
        "post_mean",
        "normalized_gain",
        "effect_size_dz",
        "pass_rate_post",
        "groups",
        "items",
    ):
        assert key in summary
    report = (out / "report.html").read_text()
    everything = report + json.dumps(summary)
    for private in ("Okafor", "Amina", "example.org", "L001", "l001", "Nguyen"):
        assert private not in everything
    assert ("Gain normalisé" in report) == (lang == "fr")
    assert "<svg" in report and "http://www.w3.org/2000/svg" in report
    assert "src=" not in report and "<script" not in report


def test_scorm_interactions_pair_items_by_our_ids():
    summary = analyse(DATA / "scorm-interactions-pre.txt", DATA / "scorm-interactions-post.txt")
    assert summary["matched"] == 2 and summary["pre_mean"] == 25 and summary["post_mean"] == 75
    items = {row["item"]: row for row in summary["items"]}
    assert set(items) == {"rc-sec-q01", "rc-sec-q02"}  # reordered in the post-test, still paired
    assert items["rc-sec-q01"]["pre_correct"] == 0 and items["rc-sec-q01"]["post_correct"] == 1


def test_quiz_responses_report_scores_items_from_right_answers(tmp_path):
    responses = tmp_path / "responses.csv"
    responses.write_text(
        "Last name,First name,ID number,State,Grade/2.00,Response 1,Right answer 1,"
        "Response 2,Right answer 2\n"
        "Okafor,Amina,L001,Finished,1.00,Poverty,Poverty,True,False\n",
        encoding="utf-8",
    )
    attempt = read_attempts(read_table(responses))[0]
    assert attempt.percent == 50 and attempt.items == {"Q1": 1.0, "Q2": 0.0}


@pytest.mark.parametrize("out", ["modules", "modules/demo/results", "quizzes", "notes.txt"])
def test_the_report_is_not_written_among_the_sources_nor_over_a_file(out, course_copy, run_cli):
    """`--out modules` put learners' results (summary.json) in the course's sources, which go
    wherever the course is shared; `--out notes.txt` said only "File exists"."""
    root = course_copy("full")
    (root / "notes.txt").write_text("mine\n", "utf-8")
    before = sorted(root.rglob("*"))
    result = run_cli("--root", root, "results", "--pre", DATA / "scorm-interactions-pre.txt",
                     "--post", DATA / "scorm-interactions-post.txt", "--out", root / out)
    assert result.code == 2, result.err
    expected = "is inside the sources" if out != "notes.txt" else "notes.txt is a file"
    assert expected in result.err, result.err
    assert sorted(root.rglob("*")) == before


def test_the_same_file_before_and_after_is_refused(tmp_path, run_cli):
    """The same export given as --pre and --post made a report of no change at all."""
    pre = DATA / "scorm-interactions-pre.txt"
    result = run_cli("--root", tmp_path, "results", "--pre", pre, "--post",
                     DATA / ".." / "results" / pre.name, "--out", tmp_path / "report")
    assert result.code == 2 and "--pre and --post name the same file" in result.err, result.err
    assert not (tmp_path / "report").exists()
