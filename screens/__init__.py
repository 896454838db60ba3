"""The Textual screens, widgets and styles of the fieldkpi TUI."""
