"""What every emulator shares: the clock, fault injection and identifiers."""
