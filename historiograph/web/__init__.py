"""The web UI: ``create_app(store)`` serves pages to read the ledger and a read-only JSON API."""
