"""One module per CLI subcommand; ``workbench.cli`` imports them lazily."""
