"""frameworks: see docs/architecture.md."""
