"""Study files -> values: YAML with positions, the JSON Schema, wording, generic values and
located problems. No network, no boto3: `deploy validate` stays fast and offline.

May import core only; a platform's own field rules are handed in by its provider."""
