import sys

from django.core.management.base import BaseCommand, CommandError

from tickets.services.inbound import ingest_message


class Command(BaseCommand):
    help = (
        "Ingest one RFC 822 e-mail message from FILE (or standard input): a reply with a ticket "
        "number becomes a comment, a known customer's message a fault report, anything else waits "
        "in the dispatchers' registration queue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="The .eml file; standard input when omitted or '-'."
        )

    def handle(self, *args, **options):
        path = options.get("file")
        try:
            if path and path != "-":
                with open(path, "rb") as handle:
                    raw = handle.read()
            else:
                raw = sys.stdin.buffer.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if not raw.strip():
            raise CommandError("The message is empty.")
        result = ingest_message(raw)
        parts = [result.outcome, f"inbound={result.inbound.pk}"]
        if result.ticket is not None:
            parts.append(f"ticket={result.ticket.number}")
        if result.comment is not None:
            parts.append(f"comment={result.comment.pk}")
        self.stdout.write(" ".join(parts))
        for note in result.notes:
            self.stdout.write(f"note: {note}")
