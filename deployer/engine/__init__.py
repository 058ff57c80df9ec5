"""The imperative shell, provider-neutral: workspace paths, lockfile I/O and the apply lock,
saved plans, the session (open an environment, observe, plan) and apply (intent before, outcome
after).

May import core only; providers reach it as objects handed in by the cli."""
