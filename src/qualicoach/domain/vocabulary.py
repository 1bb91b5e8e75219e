"""Words with fixed meanings, in a module with no imports so the CLI can show them in
--help without loading the library."""

STAGES = ("prospect", "discovery", "qualified", "proposal", "negotiation", "won", "lost")
ROLES = ("champion", "economic_buyer", "decision_maker", "influencer", "user", "blocker",
         "unknown")
