"""Adapters that route the tools of agent frameworks and MCP clients through a
`ToolGateway` (docs/integrations.md). Each is imported on its own
(`tooltrail.integrations.mcp`, ...) and imports its framework lazily."""
