"""The MTurk provider: its values, fee rules, study-file rules (spec/), planner (plan/) and
the boto3 adapter (api/, the only code that imports boto3)."""
