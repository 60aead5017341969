"""`python -m tooltrail`: the `tooltrail` CLI (see `tooltrail help`), for when
the console script is not on PATH (an IDE's MCP config can name the venv's
python: `python -m tooltrail mcp-proxy -- CMD`)."""

from ._cli import main

main()
