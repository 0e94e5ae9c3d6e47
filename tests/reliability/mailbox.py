"""A test email backend shared across processes: one file per message in ``TIERMARK_TEST_MAILBOX``.

A Celery worker is a separate process, so Django's locmem outbox cannot be read
from the test. Each message is written to a temporary name and renamed into
place, so a worker killed mid-write never leaves half a message; a message
"went out" exactly when its file exists. ``TIERMARK_TEST_MAIL_DELAY`` (seconds)
stands in for a slow SMTP server: half is spent before the message is written,
half after, so a kill can land on either side of the send.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

MAILBOX_ENV = "TIERMARK_TEST_MAILBOX"
DELAY_ENV = "TIERMARK_TEST_MAIL_DELAY"


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ[MAILBOX_ENV])
        delay = float(os.environ.get(DELAY_ENV, "0"))
        for message in email_messages:
            time.sleep(delay / 2)
            name = uuid.uuid4().hex
            record = {"to": message.to, "subject": message.subject}
            (folder / f".{name}").write_text(json.dumps(record, ensure_ascii=False))
            os.replace(folder / f".{name}", folder / f"{name}.json")
            time.sleep(delay / 2)
        return len(email_messages)


def received(folder: Path) -> Counter:
    """How many messages each (recipient, subject) pair received."""
    counts: Counter = Counter()
    for path in folder.glob("*.json"):
        record = json.loads(path.read_text())
        for address in record["to"]:
            counts[(address, record["subject"])] += 1
    return counts
