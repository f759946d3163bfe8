"""LaunchForge as an MCP server (``/mcp``): tools over core's own REST routes."""
