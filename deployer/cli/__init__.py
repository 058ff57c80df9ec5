"""The command line: the only package that prints, prompts or exits."""

from deployer.cli import adopt, emulator, notify, reconcile, results, simulate, studies
from deployer.cli.app import app, main

__all__ = ["adopt", "app", "emulator", "main", "notify", "reconcile", "results", "simulate",
           "studies"]
