"""The only boto3 user: the client for an environment, wire shapes in and out, and the steps
that carry out a plan's changes safely (every write may be repeated)."""
