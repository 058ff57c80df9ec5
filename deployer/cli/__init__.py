"""The command line: the only package that prints, prompts or exits."""

from deployer.cli import emulator, reconcile, results, studies
from deployer.cli.app import app, main

__all__ = ["app", "emulator", "main", "reconcile", "results", "studies"]
