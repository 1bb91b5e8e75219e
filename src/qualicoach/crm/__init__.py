"""crm: see docs/architecture.md."""
