"""Errors an emulator raises to its host program, as opposed to the errors it answers on a wire.

They stop an emulator from starting. Code outside emulators/ catches EmulatorError and words it
for its own users; the messages already say what to do next.
"""

from __future__ import annotations


class EmulatorError(Exception):
    """Base of the errors an emulator cannot serve around."""


class StateInUse(EmulatorError):
    """Another emulator holds the state file."""


class StateUnreadable(EmulatorError):
    """The state file exists but is not a state this emulator can read."""
