"""Stand-ins for the platforms' services, below their SDKs, for the `local` environment and
the tests: core/ (what every emulator shares) and one package per platform. Imports nothing
from deployer outside emulators/."""
