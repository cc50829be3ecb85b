"""kccdesk — the desk of a telephone answering service."""

__version__ = "0.1.0"
