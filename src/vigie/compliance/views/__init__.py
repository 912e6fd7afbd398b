"""Compliance pages. Each route's declaration fetches through scoped() (404 unseen, 403 seen but not
allowed); the view validates a form, calls a service and responds; writes happen on POST only."""
