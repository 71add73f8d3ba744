"""Sub-commands of ``desk``; each module has ``register(subparsers)``."""
