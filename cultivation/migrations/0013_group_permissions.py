"""Give the role groups their permissions on designations and pool memberships.

These grants used to sit in the register's reference-data migration (``registry.0002_reference_data``),
which made the register name the programme. Databases that ran that old version already hold them:
adding a permission a group has is a no-op, so those databases keep exactly the groups they have, and new
databases get the same ones here.
"""

from django.db import migrations

GRANTS = {
    "caseworker": [
        ("designation", ("view", "add", "change")),
        ("poolmembership", ("view", "add", "change")),
    ],
    "reviewer": [
        ("designation", ("view",)),
        ("poolmembership", ("view",)),
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
        ("cultivation", "0012_disqualification_kind_help"),
        ("registry", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Reversing leaves the grants: on a database that ran the old register migration they predate this one.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
