"""Pure, provider-neutral values: errors, text, codec (and, as the provider boundary lands,
the Study envelope, the Plan and its generic Change, lockfile records and guardrails).

Imports nothing from deployer outside core; no I/O, no clock, no platform names."""
