"""The Prolific provider: its values, fee rules, study-file rules (spec/), planner (plan/) and
the HTTP adapter (api/, the only code that talks to Prolific)."""
