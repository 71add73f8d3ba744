"""The domain: plain Python, no Qt and no SQL."""
