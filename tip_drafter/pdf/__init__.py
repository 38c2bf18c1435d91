"""The PDF stage: the job, the WeasyPrint step and the pool of worker processes."""
