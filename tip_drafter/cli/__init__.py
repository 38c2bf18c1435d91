"""The tipdraft command: its app, the commands, the drafting year's, the preview's and G/TIP's commands."""
