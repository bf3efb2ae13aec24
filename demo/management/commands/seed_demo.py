from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load demo staff, a team and intakes. Safe to run twice. Never in production."

    def handle(self, *args, **options) -> None:
        for line in seed_demo():
            self.stdout.write(line)
