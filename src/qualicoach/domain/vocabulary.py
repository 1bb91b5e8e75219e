"""Words with fixed meanings, in a module light enough for the CLI to show them in --help
without loading the library."""

# Open stages in the order a deal moves through them, as the framework format names them.
from qualicoach.frameworks.model import OPEN_STAGES as OPEN_STAGES

# How a deal ends. "no_decision": the customer did nothing (kept the status quo), the outcome
# qualicoach exists to prevent; it is told apart from "lost" (they chose someone else).
CLOSED_STAGES = ("won", "lost", "no_decision")
STAGES = OPEN_STAGES + CLOSED_STAGES
ROLES = ("champion", "economic_buyer", "decision_maker", "influencer", "user", "blocker",
         "unknown")
