"""Pages of exercises (plan, RETEX, validity), scenarios and the live run."""
