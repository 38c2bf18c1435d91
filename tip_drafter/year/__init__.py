"""The drafting year: next year's draft, review, compare (diff, status), the redline and the questionnaire's editions."""
