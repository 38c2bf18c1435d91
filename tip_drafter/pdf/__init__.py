"""The PDF stage: the job, the WeasyPrint step, and the maker that runs it in worker processes."""
