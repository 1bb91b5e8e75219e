"""qualicoach: a command-line qualification coach for B2B salespeople."""

__version__ = "0.1.0"
