"""Moving models between apps in a migration without losing what points at them."""

from django.db import migrations


def relabel_content_types(
    from_app: str, to_app: str, model_names: list[str]
) -> migrations.RunPython:
    """Move the models' content types to ``to_app``, keeping their ids: permissions
    granted on them and their django-auditlog history stay attached."""

    def move(apps, source: str, target: str) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=source, model__in=model_names).update(app_label=target)

    return migrations.RunPython(
        lambda apps, _editor: move(apps, from_app, to_app),
        lambda apps, _editor: move(apps, to_app, from_app),
    )
