"""deploy: studies as code for Amazon Mechanical Turk."""

__version__ = "0.1.0"
