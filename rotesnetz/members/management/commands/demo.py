from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rotesnetz.members.demo import DEMO_PASSWORD, load_core_demo
from rotesnetz.members.signals_demo import demo_loaded


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="also in production mode")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("Refusing to load demo data in production without --force.")
        logins = load_core_demo()
        for _receiver, extra in demo_loaded.send(sender=self.__class__):
            logins.extend(extra or [])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data is ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for email, description in logins:
            self.stdout.write(f"  {email:45} {description}")
