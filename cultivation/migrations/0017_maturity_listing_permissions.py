"""Give the role groups their permissions on digital-maturity assessments and listing tracks: caseworkers
record them (scope is the admin's and the services' business), reviewers read them. Nobody deletes one."""

from django.db import migrations

GRANTS = {
    "caseworker": [
        ("maturityassessment", ("view", "add", "change")),
        ("listingtrack", ("view", "add", "change")),
    ],
    "reviewer": [
        ("maturityassessment", ("view",)),
        ("listingtrack", ("view",)),
    ],
}


def codenames(grants) -> list[str]:
    return [f"{action}_{model}" for model, actions in grants for action in actions]


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
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cultivation", codename__in=codenames(grants))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cultivation", "0016_maturity_listing"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
