"""MTurk's reconciliation rules (DESIGN §5), pure: batches, growth, replacement, expiry,
adoption of HITs found by annotation, identity (tokens, annotations) and costs."""
