"""`deploy validate` and `deploy init`: output, exit codes, and no boto3 on the way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from spec_helpers import BASE, REPO, edit, write
from typer.testing import CliRunner

from deployer.cli import app, main
from deployer.providers.mturk.spec.rules import build_study
from deployer.spec.loader import load_studies

runner = CliRunner()
# What validate says of BASE's pay: "1.00" for assignment_duration 8m.
PAY = ("pays $1.00 per assignment: $7.50/h over assignment_duration (8m) (add estimated_duration "
       "for the pay over the time the task usually takes)")


def test_validate_examples_exit_0(project: Path) -> None:
    for name in ("emotion.yaml", "survey.yaml", "survey.html"):
        shutil.copy(REPO / "studies" / name, project / "studies" / name)
    result = runner.invoke(app, ["validate", "--strict"])
    assert (result.exit_code, result.output) == (0, (
        "studies/emotion.yaml: pays $1.50 per assignment: $9.00/h over estimated_duration "
        "(10m), at least $2.00/h over assignment_duration (45m)\n"
        "studies/survey.yaml: pays $0.75 per assignment: $9.00/h over estimated_duration (5m), "
        "at least $2.25/h over assignment_duration (20m)\n"
        "2 studies valid\n"))


def test_validate_reports_errors_and_warnings_then_exits_1(project: Path) -> None:
    write(project / "studies", edit(BASE, "reward", "reward: 1.5"), "bad.yaml")
    noisy = edit(edit(BASE, "assignments", "assignments: 20"), "max_assignments_per_hit", "")
    write(project / "studies", noisy, "noisy.yaml")
    write(project / "studies", BASE, "fine.yaml")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.output == (
        'studies/bad.yaml:3:9: error: reward: write the amount in quotes, like "1.50" '
        "(a bare number can lose cents)\n"
        "studies/noisy.yaml:4:14: warning: assignments: is 20 in a single HIT; HITs of 10 or "
        "more assignments pay a 40% fee instead of 20%; add max_assignments_per_hit: 9 to "
        "save $4.00\n"
        f"studies/fine.yaml: {PAY}\n"
        f"studies/noisy.yaml: {PAY}\n"
        "1 error, 1 warning in 1 of 3 files\n"
    )


def test_a_problem_in_deploy_yaml_is_printed_once(project: Path) -> None:
    write(project / "studies", BASE, "one.yaml")
    write(project / "studies", BASE, "two.yaml")
    write(project, "minimum_hourly_pay: 12\n", "deploy.yaml")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.output == (
        'deploy.yaml:1:21: error: minimum_hourly_pay: is 12; write dollars per hour in quotes, '
        'like "12.00"\n'
        "1 error in 2 files\n")


def test_warnings_alone_exit_0_unless_strict(project: Path) -> None:
    noisy = edit(edit(BASE, "assignments", "assignments: 20"), "max_assignments_per_hit", "")
    write(project / "studies", noisy, "noisy.yaml")
    write(project / "studies", BASE, "fine.yaml")
    relaxed = runner.invoke(app, ["validate"])
    assert (relaxed.exit_code, relaxed.output.splitlines()[-1]) == \
        (0, "2 studies valid (1 warning)")
    strict = runner.invoke(app, ["validate", "--strict"])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0].startswith("studies/noisy.yaml:4:14: error: ")
    assert strict.output.splitlines()[-1] == "1 error in 1 of 2 files"


def test_validate_named_paths(project: Path) -> None:
    write(project / "other", BASE, "one.yaml")
    result = runner.invoke(app, ["validate", "other/one.yaml", "missing.yaml"])
    assert result.exit_code == 1
    assert result.output == (
        "missing.yaml: error: no such file or directory; create a study with "
        "`deploy init NAME`\n"
        f"other/one.yaml: {PAY}\n"
        "1 error in 1 of 2 files\n"
    )


def test_validate_counts_the_files_with_errors(project: Path) -> None:
    write(project / "studies", edit(BASE, "reward", "reward: 1.5"), "a.yaml")
    write(project / "studies", edit(BASE, "assignments", "assignments: 0"), "b.yaml")
    result = runner.invoke(app, ["validate"])
    assert result.output.splitlines()[-1] == "2 errors in 2 files"
    result = runner.invoke(app, ["validate", "studies/a.yaml"])
    assert result.output.splitlines()[-1] == "1 error in 1 file"


def test_validate_refuses_a_file_that_is_not_a_study(project: Path) -> None:
    shutil.copy(REPO / "studies" / "survey.html", project / "studies" / "survey.html")
    result = runner.invoke(app, ["validate", "studies/survey.html"])
    assert (result.exit_code, result.output) == (1, (
        "studies/survey.html: error: not a study file (.yaml or .yml)\n"
        "1 error\n"
    ))


def test_validate_without_a_studies_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              ) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.output) == (1, (
        f"studies: error: no studies/ folder in {tmp_path}; run deploy from your project's "
        "root folder (or deploy init NAME to start one)\n"
        "1 error\n"
    ))


def test_plan_from_the_wrong_folder_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["plan"], capsys)
    assert (code, out) == (1, "")
    assert f"studies: error: no studies/ folder in {tmp_path}; run deploy from your " \
        "project's root folder (or deploy init NAME to start one)" in err


def test_validate_an_empty_studies_directory(project: Path) -> None:
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.output) == (0, (
        "studies: warning: no study files (*.yaml, *.yml) here; create one with "
        "`deploy init NAME`\n"
        "no study files found (1 warning)\n"
    ))


def test_init_writes_a_template_that_validates(project: Path) -> None:
    result = runner.invoke(app, ["init", "pilot-2"])
    assert (result.exit_code, result.output) == (0, (
        "Wrote studies/pilot-2.yaml\n"
        "Wrote schema/study.schema.json (editors use it to complete and check study files)\n"
        "Next: edit it, check it with `deploy validate`, then preview with `deploy plan`.\n"
    ))
    path = project / "studies" / "pilot-2.yaml"
    assert path.read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=../schema/study.schema.json"
    schema = path.parent / "../schema/study.schema.json"  # where the first line points
    assert schema.read_bytes() == (REPO / "schema" / "study.schema.json").read_bytes()
    loaded = load_studies([path], build_study)
    assert loaded.errors == ()
    assert [s.name for s in loaded.studies] == ["pilot-2"]
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.output.splitlines()[-1]) == \
        (0, "1 study valid (3 warnings)")
    assert "studies/pilot-2.yaml:9:8: warning: title: still the template's placeholder; " \
        "describe your study" in result.output


def test_init_keeps_an_existing_schema_file(project: Path) -> None:
    (project / "schema").mkdir()
    (project / "schema" / "study.schema.json").write_text("{}")
    result = runner.invoke(app, ["init", "pilot"])
    assert result.output.splitlines()[0:2] == [
        "Wrote studies/pilot.yaml",
        "Next: edit it, check it with `deploy validate`, then preview with `deploy plan`.",
    ]
    assert (project / "schema" / "study.schema.json").read_text() == "{}"


def test_init_creates_the_studies_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            ) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "first"]).exit_code == 0
    assert (tmp_path / "studies" / "first.yaml").is_file()


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def test_init_refuses_to_overwrite(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / "studies", "title: mine\n", "pilot.yml")
    assert run_main(["init", "pilot"], capsys) == (
        1, "", "error: studies/pilot.yml already exists; edit it, or pick another name\n"
    )
    assert (project / "studies" / "pilot.yml").read_text() == "title: mine\n"
    assert not (project / "studies" / "pilot.yaml").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Pilot", '"Pilot" cannot name a study: use lowercase letters, digits, - and _, '
         "starting with a letter or digit, at most 63 characters"),
        ("pilot.yaml", '"pilot.yaml" cannot name a study: use lowercase letters, digits, - and '
         '_, starting with a letter or digit, at most 63 characters (without the extension: '
         '"pilot")'),
        ("../up", '"../up" cannot name a study: use lowercase letters, digits, - and _, '
         "starting with a letter or digit, at most 63 characters"),
    ],
)
def test_init_refuses_bad_names(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    assert run_main(["init", name], capsys) == (1, "", f"error: {message}\n")
    assert list((project / "studies").iterdir()) == []


def test_main_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(project / "studies", edit(BASE, "reward", "reward: 1.5"), "bad.yaml")
    assert run_main(["validate"], capsys)[0] == 1  # typer.Exit(1) survives main()
    code, out, _ = run_main(["validate", "--help"], capsys)
    assert code == 0 and "--strict" in out
    code, _, err = run_main(["validate", "--no-such-option"], capsys)
    assert code == 2 and "No such option" in err
    code, _, err = run_main(["init"], capsys)
    assert code == 2 and "Missing argument" in err


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_python_m_deployer_validate(project: Path) -> None:
    write(project / "studies", BASE, "pilot.yaml")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "deployer", "validate"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"studies/pilot.yaml: {PAY}\n1 study valid\n", "")


# What only the commands that plan or talk to a platform may import: the AWS SDK and its HTTP
# stack, the answer parser, the emulators (SQLite), the planner, and pydantic (which typer 0.29
# runs every option through). Each costs everyday commands tens of milliseconds of start-up.
NOT_FOR_EVERYDAY = ("boto3", "botocore", "urllib3", "xmltodict", "sqlite3", "pydantic",
                    "deployer.emulators", "deployer.providers.mturk.api",
                    "deployer.providers.mturk.plan", "deployer.providers.prolific.api",
                    "deployer.providers.prolific.plan", "http.client", "ssl")
# Valid studies need no jsonschema (it words the errors of invalid ones); --help no study.
NOT_FOR_VALID = (*NOT_FOR_EVERYDAY, "jsonschema")
NOT_FOR_HELP = (*NOT_FOR_VALID, "yaml", "deployer.spec")


@pytest.mark.parametrize(("args", "forbidden", "last"), [
    (["validate", "--strict"], NOT_FOR_VALID, "2 studies valid"),
    (["--help"], NOT_FOR_HELP, None),
])
def test_everyday_commands_import_nothing_they_do_not_use(
        project: Path, args: list[str], forbidden: tuple[str, ...], last: str | None) -> None:
    for name in ("emotion.yaml", "survey.yaml", "survey.html"):
        shutil.copy(REPO / "studies" / name, project / "studies" / name)
    code = textwrap.dedent(f"""
        import sys
        from deployer.cli import main
        try:
            main({args!r})
        except SystemExit as exited:
            assert exited.code in (0, None), exited.code
        forbidden = {forbidden!r}
        print("imported:", sorted(m for m in sys.modules
                                  if any(m == f or m.startswith(f + ".") for f in forbidden)))
    """)
    result = _run(code, project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "imported: []"
    if last is not None:
        assert lines[-2] == last
