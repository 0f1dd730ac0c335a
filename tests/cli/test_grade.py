"""``ftlab grade``: the command line over batch grading and the reports."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from ftlab.cli.main import main
from ftlab.grading.isolation.sandbox import Sandbox
from tests.paths import ROOT

GRADERS = str(ROOT / "graders")
pytestmark = pytest.mark.usefixtures("one_forkserver")  # the runs in this process share it


@pytest.fixture
def one_right_one_broken(tmp_path: Path) -> Path:
    folder = tmp_path / "class"
    shutil.copytree(ROOT / "solutions", folder / "ana", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "ben.ipynb").write_text("this is not a notebook", encoding="utf-8")
    return folder


def test_grading_a_class_writes_every_report_and_exits_1_when_one_is_not_graded(
    one_right_one_broken, tmp_path, capsys
):
    out = tmp_path / "out"
    code = main(
        [
            "grade",
            str(one_right_one_broken),
            "--out",
            str(out),
            "--graders",
            GRADERS,
            "--jobs",
            "2",
            "--no-sandbox",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "NOT sandboxed" in err and "1 of 2 submissions graded" in err and "ben: malformed" in err
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ana, ben = report["submissions"]
    assert (ana["name"], ana["status"], ben["name"], ben["status"], ben["results"]["score"]) == (
        "ana",
        "graded",
        "ben",
        "malformed",
        0.0,
    )
    assert ana["results"]["score"] == ana["results"]["max_score"] == ben["results"]["max_score"] > 0
    assert (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()[1].startswith("ana,graded,29,41,")
    assert (
        (out / "ana" / "feedback.md").is_file()
        and (out / "summary.md").is_file()
        and (out / "junit.xml").is_file()
    )


def test_one_submission_gets_gradescope_results_at_the_top_and_exits_0(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(
        [
            "grade",
            str(ROOT / "solutions" / "ex2_validate_record.py"),
            "--out",
            str(out),
            "--graders",
            GRADERS,
            "--no-sandbox",
        ]
    )
    assert code == 0, capsys.readouterr().err
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 41.0 and results["max_score"] > 41.0
    assert (out / "feedback.md").is_file()


def test_without_graders_the_command_says_where_it_looked(tmp_path, capsys):
    assert main(["grade", str(tmp_path), "--graders", str(tmp_path / "nowhere")]) == 2
    assert "no grader suites (test_ex*.py) in" in capsys.readouterr().err


def test_nothing_to_grade_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path / "empty"), "--graders", GRADERS]) == 2
    assert "no submissions found" in capsys.readouterr().err


def test_require_sandbox_refuses_to_grade_without_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        "ftlab.grading.isolation.sandbox.find_sandbox",
        lambda enabled=True, mode="auto": Sandbox("process", reason="bwrap is not installed"),
    )
    assert (
        main(
            [
                "grade",
                str(ROOT / "solutions"),
                "--graders",
                GRADERS,
                "--require-sandbox",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 2
    )
    assert "refusing because of --require-sandbox" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", [["--timeout", "0"], ["--jobs", "0"], ["--budget", "soon"]])
def test_bad_numbers_are_refused_by_name(option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", "x", *option])
    assert exit_info.value.code == 2
    assert option[0] in capsys.readouterr().err


def test_the_classroom_workflow_runs_a_grade_command_this_parser_accepts_and_reports_its_json():
    import shlex

    import yaml

    from ftlab.cli.main import build_parser

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "classroom.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    script = "\n".join(step.get("run", "") for step in steps)
    assert "apt-get install -y bubblewrap" in script
    line = next(line for line in script.splitlines() if line.strip().startswith("ftlab grade"))
    args = build_parser().parse_args(shlex.split(line.split("||")[0])[1:])
    assert (args.submissions, args.graders, args.out, args.require_sandbox) == (
        ["exercises"],
        "graders",
        "grades",
        True,
    )
    assert "base64 -w0 grades/classroom.json" in script
    reporter = next(step for step in steps if "autograding-grading-reporter" in step.get("uses", ""))
    assert reporter["with"]["runners"] == "ftlab" and "FTLAB_RESULTS" in reporter["env"]


def test_sandbox_user_grades_as_an_unprivileged_user_with_landlock_and_says_so(tmp_path, capsys):
    from ftlab.grading.isolation.sandbox import find_sandbox

    user = find_sandbox(mode="user")
    if user.kind != "unprivileged" or not user.landlock:
        pytest.skip(f"needs root and Landlock: {user.reason}")
    out = tmp_path / "out"
    code = main(["grade", str(ROOT / "solutions"), "--out", str(out), "--graders", GRADERS,
                 "--sandbox", "user"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"unprivileged user {user.user} + Landlock ABI {user.landlock}" in err.splitlines()[0]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == results["max_score"]  # the mock API's socket, tmp_path and uploads all work
    assert f"unprivileged user {user.user} + Landlock" in (out / "summary.md").read_text(encoding="utf-8")


def test_a_forced_sandbox_that_cannot_work_here_refuses_to_grade(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        "ftlab.grading.isolation.sandbox.find_sandbox",
        lambda enabled=True, mode="auto": Sandbox("process", reason="--sandbox user needs root"),
    )
    out = tmp_path / "out"
    assert main(["grade", str(ROOT / "solutions"), "--graders", GRADERS, "--sandbox", "user",
                 "--out", str(out)]) == 2  # fmt: skip
    assert "refusing because of --sandbox user" in capsys.readouterr().err
    assert not out.exists()


def test_the_matrix_workflow_grades_every_shard_once_and_merges_them_all():
    import shlex

    import yaml

    from ftlab.cli.main import build_parser

    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "grade-matrix.yml").read_text(encoding="utf-8"))
    grade, merge = workflow["jobs"]["grade"], workflow["jobs"]["merge"]
    shards = grade["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(workflow["env"]["SHARDS"]) + 1)) and merge["needs"] == "grade"

    def command(job: dict, **values: str) -> argparse.Namespace:
        script = "\n".join(step.get("run", "") for step in job["steps"]).replace("\\\n", " ")
        line = next(line for line in script.splitlines() if line.strip().startswith("ftlab grade"))
        for name, value in values.items():
            line = line.replace(name, value)
        return build_parser().parse_args(shlex.split(line.split("||")[0])[1:])

    sharded = command(grade, **{"${{ matrix.shard }}": "2", "$SHARDS": "4", '"$SUBMISSIONS"': "class"})
    assert (sharded.shard, sharded.submissions, sharded.require_sandbox) == ((2, 4), ["class"], True)
    assert command(merge).merge == ["shards/shard-*"]
    uploads = [s for s in grade["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads[0]["with"]["include-hidden-files"] is True  # the records the merge reads


@pytest.mark.parametrize("spec", ["0/3", "4/3", "2", "a/b", "-1/2"])
def test_a_shard_that_is_not_k_of_n_is_refused(spec, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", "x", "--shard", spec])
    assert exit_info.value.code == 2 and "--shard" in capsys.readouterr().err


def test_merging_a_folder_that_holds_no_grading_says_so(tmp_path, capsys):
    assert main(["grade", "--merge", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "no grading records here" in capsys.readouterr().err


def test_no_submissions_and_no_merge_is_a_usage_error(capsys):
    assert main(["grade"]) == 2
    assert "name the submissions to grade" in capsys.readouterr().err


@pytest.mark.parametrize(("option", "templates"), [([], True), (["--no-templates"], False)])
def test_no_templates_turns_the_warmed_template_off(option, templates, tmp_path, monkeypatch):
    seen = []

    def grade_all(todo, settings, **kwargs):
        seen.append(settings.templates)
        return []

    monkeypatch.setattr("ftlab.classroom.batch.grade_all", grade_all)
    argv = ["grade", str(ROOT / "solutions"), "--graders", GRADERS, "--out", str(tmp_path / "out")]
    main(argv + option)
    assert seen == [templates]
