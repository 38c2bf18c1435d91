"""Worker processes owned by this process, for work that runs on every core: a fork server
(forked from this process, so it has what this process imported, then importing what the jobs
need), the workers it forks, and this side of their messages. A job is any picklable object
with a ``run()`` method (:class:`Job`): the PDFs of ``render`` (:mod:`tip_drafter.pdf.maker`),
the checks of ``status`` and ``validate`` (:mod:`tip_drafter.batch`).

Built so that no interleaving of a Ctrl-C, a dying worker and a finished job can leave this
process waiting forever (a ``ProcessPoolExecutor`` can: a worker terminated while it writes a
result into the executor's pipe leaves the executor's thread waiting for the rest):

- a job and its result travel as files in a private folder; a message is eight bytes (the
  job's number) on a socket whose other end only the worker holds, so its death is an end of
  file, and a message is never half-sent;
- nothing here waits on a process without a time limit: stopping takes at most
  :data:`STOP_LIMIT` seconds, then the server's process group is killed; a wait for the
  workers looks for a Ctrl-C every :data:`SIGNAL_CHECK` seconds;
- the server and the workers ignore Ctrl-C (this process stops them) and die of SIGTERM
  quietly, whatever handlers this process had set; they print nothing.
"""

from .pool import Pool, running
from .processes import DIED, Job, JobFailed, NoWorker

__all__ = ["DIED", "Job", "JobFailed", "NoWorker", "Pool", "running"]
