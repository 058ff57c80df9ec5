"""Every operation of botocore's MTurk model is served, and has a test.

When botocore gains an operation, both tests fail until the emulator answers it and a test
calls it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import boto3
from botocore import xform_name

from deployer.emulators.mturk.responses import OPERATIONS

HERE = Path(__file__).parent


def _model_operations(session: boto3.session.Session) -> list[str]:
    client = session.client("mturk", region_name="us-east-1", aws_access_key_id="x",
                            aws_secret_access_key="x")
    return list(client.meta.service_model.operation_names)


def _called_in_tests() -> set[str]:
    """Method names called (as `something.name(...)`) inside this folder's test functions."""
    called: set[str] = set()
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                called |= {call.func.attr for call in ast.walk(node)
                           if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)}
    return called


def test_the_emulator_serves_exactly_the_models_operations(
        boto_session: boto3.session.Session) -> None:
    model = _model_operations(boto_session)
    assert len(model) == 39  # botocore's mturk 2017-01-17 model
    assert sorted(OPERATIONS) == sorted(model)


def test_every_operation_of_the_model_is_called_by_a_test(
        boto_session: boto3.session.Session) -> None:
    called = _called_in_tests()
    untested = [name for name in _model_operations(boto_session)
                if xform_name(name) not in called]
    assert untested == []
