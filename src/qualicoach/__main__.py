"""``python -m qualicoach``."""

from qualicoach.cli.app import console

if __name__ == "__main__":
    raise SystemExit(console())
