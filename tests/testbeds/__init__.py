"""Real test hosts built by the test suite (loopback and private network namespaces only)."""
