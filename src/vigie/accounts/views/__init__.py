"""Pages of the accounts app, one module per family: sign-in, profile, user administration, audit log."""
