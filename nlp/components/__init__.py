"""spaCy components, one per extracted thing."""
