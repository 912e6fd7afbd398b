"""Factories of the continuity app's models for the tenant-isolation test (registered with tests.factories.factory)."""
