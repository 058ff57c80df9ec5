"""The only code that talks to Prolific: one HTTP choke point (client.py), wire shapes,
the steps that carry out a plan's changes safely, and the Connection."""
