"""coaching: see docs/architecture.md."""
