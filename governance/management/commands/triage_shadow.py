from django.core.management.base import BaseCommand, CommandError

from governance.scripts import shadow_run
from triage.models import TriageScript


class Command(BaseCommand):
    help = "Shadow mode: list recent cases whose acuity or crisis signals a script would change."

    def add_arguments(self, parser) -> None:
        parser.add_argument("team")
        parser.add_argument("version", type=int)
        parser.add_argument("--last", type=int, default=200)

    def handle(self, *args, team: str, version: int, last: int, **options) -> None:
        script = TriageScript.objects.filter(team__slug=team, version=version).first()
        if script is None:
            raise CommandError(f"No triage script v{version} for team {team!r}.")
        count, changes = shadow_run(script=script, last=last)
        self.stdout.write(
            f"{count} recent case(s) re-triaged with v{version}; {len(changes)} change."
        )
        for c in changes:
            crisis = f" crisis {c.crisis_before} -> {c.crisis_after}"
            self.stdout.write(
                f"  {c.reference}: {c.acuity_before} -> {c.acuity_after}"
                f"{crisis if c.crisis_before != c.crisis_after else ''}"
                f" rules added: {', '.join(c.rules_added) or '-'};"
                f" removed: {', '.join(c.rules_removed) or '-'}"
            )
