import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servicedesk.demo import seed


class Command(BaseCommand):
    help = "Build the complete demo (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password of every demo account (default: a new random one)."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off; pass --force if you mean it."
            )
        generated = password is None
        ctx = seed(password or secrets.token_urlsafe(12))
        for line in ctx.log:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        created = ctx.objects.get("created_users", [])
        if generated and not created:
            self.stdout.write("Demo accounts existed already; their passwords are unchanged.")
            return
        shown = ctx.password if not generated or created else "(unchanged)"
        self.stdout.write(f"Demo logins ({', '.join(ctx.users)}), password: {shown}")
