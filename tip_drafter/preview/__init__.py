"""The live preview: the page's state and its web server."""
