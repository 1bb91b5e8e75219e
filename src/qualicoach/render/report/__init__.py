"""The coaching report: one view per section (sections), rendered in every format."""
