"""Compliance pages. Each view fetches through scoped() (404 otherwise), validates a form, calls a
service and responds; writes happen on POST only."""
