"""The command line: the only package that prints, prompts or exits."""

from deployer.cli import emulator, notify, reconcile, results, simulate, studies
from deployer.cli.app import app, main

__all__ = ["app", "emulator", "main", "notify", "reconcile", "results", "simulate",
           "studies"]
