"""One spider per source family: ``baochinhphu`` (news portal), ``vanban`` (legal documents), ``article`` (generic)."""
