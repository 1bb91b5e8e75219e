"""Framework texts shared by several test modules."""

VALID = """\
id: demo
name: Demo
version: "1.0"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - id: has_need
        prompt: Do they need it?
        type: yes_no
      - id: size
        prompt: How big is it?
        type: choice
        choices:
          - {value: small, score: 0.2}
          - {value: large, score: 1}
        when: {has_need: yes}
"""



# A tiny framework with one question of each prompt kind, so key sequences stay readable.
MINI = """\
id: mini
name: Mini
version: "1"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - id: agreed
        prompt: Do they agree they must change?
        type: yes_no
        why: WHY-TEXT
        how_to_ask: HOW-TEXT
      - id: when
        prompt: By when?
        type: date
      - id: pains
        prompt: Which pains?
        type: multi
        choices:
          - {value: cost, label: Cost, score: 0.5}
          - {value: risk, label: Risk, score: 0.5}
      - id: level
        prompt: How urgent?
        type: scale
"""

