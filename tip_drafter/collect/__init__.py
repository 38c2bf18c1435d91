"""G/TIP's side: every post's submission gathered into one table, written as CSV, a workbook, a database or a dashboard."""
