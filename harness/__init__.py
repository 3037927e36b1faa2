"""closeloop's top floor: the `harness` command, model backends, run directories, the loop."""

__version__ = "0.1.0"
