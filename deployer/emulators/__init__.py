"""Stand-ins for the platforms' services, below their SDKs, for the `local` environment and
the tests. Imports nothing from deployer outside emulators/."""
