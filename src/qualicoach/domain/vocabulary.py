"""Words with fixed meanings, in a module with no imports so the CLI can show them in
--help without loading the library."""

# Open stages in the order a deal moves through them; a framework question's ``settle_by``
# names one of these (what must be known by when).
OPEN_STAGES = ("prospect", "discovery", "qualified", "proposal", "negotiation")
# How a deal ends. "no_decision": the customer did nothing (kept the status quo), the outcome
# qualicoach exists to prevent; it is told apart from "lost" (they chose someone else).
CLOSED_STAGES = ("won", "lost", "no_decision")
STAGES = OPEN_STAGES + CLOSED_STAGES
ROLES = ("champion", "economic_buyer", "decision_maker", "influencer", "user", "blocker",
         "unknown")
