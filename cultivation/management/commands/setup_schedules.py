"""``manage.py setup_schedules``: write the beat schedule from code into django-celery-beat."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from cultivation.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create or update the periodic tasks (a paused task stays paused)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for entry in SCHEDULES:
            timing = self._timing(entry)
            task, created = PeriodicTask.objects.get_or_create(
                name=entry.name, defaults={"task": entry.task, **timing, "description": entry.description}
            )
            if not created:
                for field, value in {"task": entry.task, **timing, "description": entry.description}.items():
                    setattr(task, field, value)
                task.save()
            state = "created" if created else ("enabled" if task.enabled else "paused")
            self.stdout.write(f"{entry.name:<22} {entry.task:<40} {state}")

    def _timing(self, entry) -> dict:
        if entry.crontab:
            minute, hour, day, month, weekday = entry.crontab.split()
            schedule, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day,
                month_of_year=month,
                day_of_week=weekday,
                timezone="Asia/Shanghai",
            )
            return {"crontab": schedule, "interval": None}
        schedule, _ = IntervalSchedule.objects.get_or_create(every=entry.every_minutes, period="minutes")
        return {"interval": schedule, "crontab": None}
