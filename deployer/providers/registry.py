"""The providers by platform name, with their study-file rules and templates: the only place
that lists them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from deployer.core.provider import Provider
from deployer.providers.mturk.provider import MTURK
from deployer.providers.mturk.spec.rules import build_study
from deployer.providers.mturk.spec.template import write_template
from deployer.providers.prolific import platform as prolific
from deployer.providers.prolific.provider import PROLIFIC
from deployer.providers.prolific.spec.rules import build_study as build_prolific_study
from deployer.providers.prolific.spec.template import write_template as write_prolific_template
from deployer.spec.loader import Builder, by_platform
from deployer.spec.participants import WorkerRules
from deployer.spec.reviews import ReviewRules

# (studies folder, study name) -> (the study file written, the schema file written or None)
Template = Callable[[Path, str], tuple[Path, Path | None]]

PROVIDERS: dict[str, Provider] = {"mturk": MTURK, "prolific": PROLIFIC}
BUILDERS: dict[str, Builder] = {"mturk": build_study, "prolific": build_prolific_study}
TEMPLATES: dict[str, Template] = {"mturk": write_template, "prolific": write_prolific_template}
REVIEW_RULES: dict[str, ReviewRules] = {
    "mturk": ReviewRules("assignment_id", 1024),
    "prolific": ReviewRules("submission_id", 5000, "pounds or dollars",
                            prolific.REJECTION_MINIMUM, prolific.REJECTION_CATEGORIES),
}
# Who the workers/ files name; a platform without an entry keeps no such files.
WORKER_RULES: dict[str, WorkerRules] = {"mturk": WorkerRules(r"A[A-Z0-9]{1,63}", "A1B2C3D4E5F6G7")}
DEFAULT = "mturk"  # the platform of a study file that names none
BUILD = by_platform(BUILDERS, DEFAULT)  # builds each study file by its own platform's rules
