"""What a listing needs of the scoring rules without the rules themselves: which causes
say a deal is not moving.

A listing whose cached assessments all still hold needs only this, not the scoring code:
the listing is a prompt hook's command and starts like one.
"""

# Causes that say the deal is not moving: when they make up half the risk, it is "stalled".
MOVEMENT = frozenset({"close_passed", "close_slipped", "stale", "stuck", "long_cycle"})
