"""How long everyday commands take from a cold process: start-up, imports and validation.

    .venv/bin/python benchmarks/startup.py [--runs 11] [--studies 200]

Each figure is the median over separate `python -m deployer ...` processes, wall-clock time
and CPU time (user + system, of the child, from wait4). The deploy measured is the one that
this interpreter imports, so running the script with another checkout's interpreter, or with
PYTHONPATH set to an older copy of the code, measures that code in the same session.

The last rows compare `deploy validate` with check-jsonschema (`--schemafile
schema/study.schema.json`) on the same generated study files: check-jsonschema checks only
the schema, deploy validate checks the schema and every rule beyond it. check-jsonschema is
in the dev extras; the rows are skipped, saying so, when it is not installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# pip compiles an installed package's modules; a source checkout caches them on first import,
# unless PYTHONDONTWRITEBYTECODE forbids it and every run compiles deploy from source again.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
EXAMPLES = ("emotion.yaml", "survey.yaml", "survey.html")
HEAVY = ("boto3", "botocore", "urllib3", "xmltodict", "sqlite3", "pydantic", "jsonschema")


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, median
    cpu: float  # seconds, median

    def row(self, label: str, runs: int, files: int = 0) -> str:
        per_file = f", {self.cpu / files * 1000:4.2f} ms CPU a file" if files else ""
        return (f"{label:<44} {self.wall * 1000:6.0f} ms wall, {self.cpu * 1000:6.0f} ms CPU"
                f"  (median of {runs}){per_file}")


def run_once(command: Sequence[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit status) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
    return wall, usage.ru_utime + usage.ru_stime, child.returncode


def measure(commands: Sequence[Sequence[str]], cwd: Path, runs: int) -> list[Timing]:
    """Each command's median timing. The commands take turns, run by run, so that a change
    in the load of a shared machine falls on all of them alike."""
    for command in commands:
        run_once(command, cwd)  # warm the file cache and write any missing .pyc files
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, taken in zip(commands, samples, strict=True):
            wall, cpu, code = run_once(command, cwd)
            if code != 0:
                raise SystemExit(f"{' '.join(command)} exited with {code} in {cwd}")
            taken.append((wall, cpu))
    return [Timing(statistics.median(w for w, _ in taken), statistics.median(c for _, c in taken))
            for taken in samples]


def generate(folder: Path, count: int) -> list[Path]:
    """`count` valid study files made from the two examples, each a little different."""
    emotion = (REPO / "studies" / "emotion.yaml").read_text("utf-8")
    survey = (REPO / "studies" / "survey.yaml").read_text("utf-8")
    # No closes_at: a date in the example would one day be past; the HITs run a week instead.
    survey = "\n".join("lifetime: 7d" if line.startswith("closes_at") else line
                       for line in survey.splitlines())
    shutil.copy(REPO / "studies" / "survey.html", folder / "survey.html")
    files = []
    for number in range(count):
        text = survey if number % 2 else emotion
        text = text.replace("title: ", f"title: Study {number} - ", 1)
        text = text.replace("assignments: ", f"assignments: {9 * (1 + number % 5)} #", 1)
        text = text.replace("budget: ", 'budget: "100.00" #', 1)
        file = folder / f"study{number:03d}.yaml"
        file.write_text(text, "utf-8")
        files.append(file)
    return files


def loaded_modules(python: str, args: Sequence[str], cwd: Path) -> list[str]:
    """Which of HEAVY a `deploy ...` process has imported by the time it exits."""
    code = ("import sys\nfrom deployer.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))")
    out = subprocess.run([python, "-c", code, *args], cwd=cwd, capture_output=True,
                         text=True, check=False).stdout.strip().splitlines()
    return [] if not out or out[-1] == "[]" else [out[-1]]


def _checker() -> str | None:
    beside = Path(sys.executable).with_name("check-jsonschema")
    return str(beside) if beside.exists() else shutil.which("check-jsonschema")


def _checker_version(checker: str) -> str:
    out = subprocess.run([checker, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip().split()[-1] if out.stdout.strip() else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="processes per start-up figure")
    parser.add_argument("--studies", type=int, default=200, help="generated study files")
    args = parser.parse_args()
    deploy = [sys.executable, "-m", "deployer"]
    import deployer

    print(f"deploy from {Path(deployer.__file__).parent.parent}, python {sys.version.split()[0]}")
    if "PYTHONDONTWRITEBYTECODE" in os.environ:
        print("(PYTHONDONTWRITEBYTECODE is set: unset for the runs, so that modules are "
              "compiled once, as pip install does)")
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp, "examples")
        (project / "studies").mkdir(parents=True)
        for name in EXAMPLES:
            shutil.copy(REPO / "studies" / name, project / "studies" / name)
        many = Path(temp, "many")
        many.mkdir()
        files = generate(many, args.studies)
        for label, argv, cwd in (("deploy --help", ["--help"], project),
                                 ("deploy validate (the 2 examples)", ["validate"], project)):
            print(measure([[*deploy, *argv]], cwd, args.runs)[0].row(label, args.runs))
            heavy = loaded_modules(sys.executable, argv, cwd)
            print(f"  {'imports ' + ', '.join(heavy) if heavy else 'imports none of'}"
                  f" {', '.join(HEAVY) if not heavy else ''}".rstrip())
        runs = max(3, args.runs // 2)
        ours_command = [*deploy, "validate", "."]
        label = f"deploy validate ({len(files)} generated studies)"
        checker = _checker()
        if checker is None:
            print(measure([ours_command], many, runs)[0].row(label, runs, len(files)))
            print("check-jsonschema not installed (pip install -e '.[dev]'): no comparison")
            return
        schema = REPO / "schema" / "study.schema.json"
        theirs_command = [checker, "--schemafile", str(schema), *map(str, files)]
        ours, theirs = measure([ours_command, theirs_command], many, runs)
        print(ours.row(label, runs, len(files)))
        print(theirs.row(f"check-jsonschema {_checker_version(checker)} (same files)", runs,
                         len(files)))
        print(f"check-jsonschema / deploy validate: {theirs.cpu / ours.cpu:.2f}x CPU, "
              f"{theirs.wall / ours.wall:.2f}x wall")

if __name__ == "__main__":
    main()
