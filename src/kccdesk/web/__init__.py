"""The acknowledgement page that `kccdesk serve` serves (Starlette on uvicorn)."""
