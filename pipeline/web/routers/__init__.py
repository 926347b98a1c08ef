"""One router per concern: pages (dashboard, review, search, documents, accounts, webhooks), feeds, the API."""
