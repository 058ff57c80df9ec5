"""One package per recruitment platform, each behind the Provider protocol of core.

A provider may import spec and core (never engine, render or cli), and may start its own
emulator for the `local` environment."""
