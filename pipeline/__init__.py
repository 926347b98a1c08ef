"""Pipeline: ties crawl, extraction and store together; the `chidao` CLI."""
