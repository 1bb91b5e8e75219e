"""What a listing needs of the scoring rules without the rules themselves: their version,
and which causes say a deal is not moving.

A listing whose stored assessments all still hold needs only these, not the scoring code
(issue 16: the listing is a prompt hook's command and starts like one).
"""

# Bump it with EVERY change to how scores, risk points, causes, verdicts or quadrants are
# computed (risk.py, scoring.py, alignment.py): stored assessments carry it in their basis,
# so a deal scored by an older release is rescored.
# 2: settle_by stages, urgency, combined risk, verdicts (issue 12).
# 3: the customer's own answers (self-assessment replies) count, and their people's
#    disagreement is a cause (issue 15).
# 4: a passed close date on an open deal is 40 points (at_risk_from) and always stalls it.
# 5: an assessment whose headline counts the days to the close holds until midnight only
#    (those stored before kept saying "Closes in 30 days" for up to a month).
RULES_VERSION = 5

# Causes that say the deal is not moving: when they make up half the risk, it is "stalled".
MOVEMENT = frozenset({"close_passed", "close_slipped", "stale", "stuck", "long_cycle"})
