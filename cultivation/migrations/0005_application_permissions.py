"""Give the role groups their permissions on the application and review models.

Caseworkers read applications and their records, manage expert assignments and the holiday
calendar; reviewers read what they review and write their own reviews. Status changes never go
through model permissions: the workflow table decides who may take each action.
"""

from django.db import migrations

GRANTS = {
    "caseworker": [
        ("application", ("view",)),
        ("applicationevent", ("view",)),
        ("reviewassignment", ("view", "add", "change", "delete")),
        ("review", ("view",)),
        ("objection", ("view",)),
        ("holiday", ("view", "add", "change", "delete")),
    ],
    "reviewer": [
        ("application", ("view",)),
        ("applicationevent", ("view",)),
        ("reviewassignment", ("view",)),
        ("review", ("view", "add")),
        ("objection", ("view",)),
        ("holiday", ("view",)),
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("cultivation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cultivation", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        permissions = Permission.objects.filter(content_type__app_label="cultivation", codename__in=codenames)
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("cultivation", "0004_applications"),
        ("registry", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
