"""Modules a test's worker server imports (``warm``) to make its processes fail as a machine
can: no process to be had, no room on the disk."""
