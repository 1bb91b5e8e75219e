"""The words YAML reads as true and false, as qualicoach accepts them.

Its own module because the framework schema lists them and must not pay for importing a
YAML parser.
"""

# The words a boolean field (red_flag, optional) takes besides true and false, in YAML's own
# spellings (lower case, Capitalised, UPPER CASE). An editor reads YAML 1.2, where `yes` is
# a word, so the framework schema lists them; the readers accept exactly these.
TRUE_WORDS = tuple(f(w) for w in ("true", "yes", "on")
                   for f in (str.lower, str.capitalize, str.upper))
FALSE_WORDS = tuple(f(w) for w in ("false", "no", "off")
                    for f in (str.lower, str.capitalize, str.upper))
