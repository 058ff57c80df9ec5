"""What every emulator shares: the HTTP server that serves a service object, the SQLite store
and its record tables, the clock, fault injection, identifiers, and the errors an emulator
raises to the program that runs it. Imports only the standard library."""
