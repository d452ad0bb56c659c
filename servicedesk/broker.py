"""The embedded broker (no REDIS_URL): kombu's file-system transport made safe for
several processes writing and reading at once (web, beat and worker).

kombu's own channel creates a message file and then writes into it, while a reader
may already move and read it: a half-written file is a `JSONDecodeError` that kills
the worker. Here every file appears whole or not at all:

- a producer writes the message to `tmp/` and renames it into the queue folder
  (rename within one file system is atomic);
- a consumer claims a message by renaming it out of the queue folder into its own
  `claimed/` folder (only one rename of a file succeeds) and then reads it;
- the exchange table is rewritten the same way, under a lock.

The URL is `sdfiles://`; the folders come from `broker_transport_options` as for
kombu's `filesystem://`. A message is taken off the queue when a worker receives it
(kombu's virtual transports keep unacknowledged messages in memory), so a killed
worker loses the messages it held; every task here derives its work from the
database (the outbox, the SLA sweep), and the periodic runs redo it. The choice and
the stress test behind it: docs/decisions.md.
"""

import fcntl
import os
import time
import uuid
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

SCHEME = "sdfiles"


def _write_atomically(folder: str, tmp_folder: str, name: str, data: bytes) -> None:
    temporary = os.path.join(tmp_folder, f"{name}.{uuid.uuid4().hex}.part")
    # No fsync: the rename guards against a reader seeing a partial file, which is the
    # failure here; surviving a power cut is the production broker's (Redis) job.
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.rename(temporary, os.path.join(folder, name))


class Channel(filesystem.Channel):
    """File-system channel with atomic puts and claims."""

    def _folder(self, option: str, default: str) -> str:
        base = os.path.dirname(os.path.abspath(self.data_folder_out))
        folder = self.transport_options.get(option) or os.path.join(base, default)
        os.makedirs(folder, exist_ok=True)
        return folder

    @property
    def tmp_folder(self) -> str:
        return self._folder("tmp_folder", "tmp")

    @property
    def claim_folder(self) -> str:
        return self._folder("claim_folder", "claimed")

    def _put(self, queue, payload, **kwargs):
        # Sorted by time across processes (nanoseconds, zero-padded), then unique.
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        _write_atomically(self.data_folder_out, self.tmp_folder, name, str_to_bytes(dumps(payload)))

    def _get(self, queue):
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(self.claim_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            with open(claimed, "rb") as handle:
                payload = handle.read()
            if self.store_processed:
                os.replace(claimed, os.path.join(self.processed_folder, name))
            else:
                os.remove(claimed)
            return loads(bytes_to_str(payload))
        raise Empty()

    def get_table(self, exchange):
        file = self._exchange_file(exchange)
        try:
            return [filesystem.exchange_queue_t(*row) for row in loads(file.read_text())]
        except FileNotFoundError:
            return []

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with open(self.control_folder / ".lock", "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            rows = self.get_table(exchange)
            if row not in rows:
                rows.insert(0, row)
                _write_atomically(
                    str(self.control_folder), self.tmp_folder, file.name, str_to_bytes(dumps(rows))
                )


class Transport(filesystem.Transport):
    Channel = Channel
    driver_type = SCHEME
    driver_name = SCHEME


TRANSPORT_ALIASES[SCHEME] = "servicedesk.broker:Transport"
