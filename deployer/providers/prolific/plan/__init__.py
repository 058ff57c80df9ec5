"""Prolific's reconciliation rules, pure: create and publish, places that only grow, pause,
stop, replacement when a frozen field changes, adoption by internal name, review and bonuses."""
