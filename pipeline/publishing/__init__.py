"""Publishing: staging files in, one atomic database file out; its status."""
