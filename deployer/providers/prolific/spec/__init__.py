"""Prolific's study-file rules: the schema (prolific-study.schema.json), pay per hour,
completion codes, eligibility, and the `deploy init --platform prolific` template."""
