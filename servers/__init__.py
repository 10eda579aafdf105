"""Entry points: MCP servers per domain, the HTTP transport, the CLI, and the simulated demo fleet (``servers.sim``)."""
