"""gunicorn settings (``gunicorn -c config/gunicorn_conf.py config.wsgi:application``).

The access log keeps method, path, status and duration, with the token of a patient's
status link or a paging link redacted; never the query string, referrer or user agent.
"""

from gunicorn.glogging import Logger

from lib.redaction import redact

accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(L)s'


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # gunicorn calls this per request
        atoms = super().atoms(resp, req, environ, request_time)
        # Every atom, not only the path: the Referer of a status-link page (sent to this
        # site alone) holds the token too, as {referer}i, {http_referer}e and "f", and a
        # redirect's {location}o may; a format change must not start logging them.
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms


logger_class = RedactingLogger


def post_worker_init(worker) -> None:  # gunicorn calls this once per worker
    # The intake view scans inline; compile the lexicons before the first patient waits.
    # Imported here: gunicorn reads this file before Django is set up.
    from triage.scripts.active import warm

    warm()
