# InboundEmail arrives from the notifications app (which renamed its table to
# tickets_inboundemail in its 0002): the model enters this app's state without touching
# the table, then its constraint and index get this app's names, and the content type
# (notifications pointing at queued e-mails use it) follows the model.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tickets.models


def move_content_type(apps, schema_editor, source="notifications", target="tickets"):
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=target, model="inboundemail").exists():
        return
    content_types.objects.filter(app_label=source, model="inboundemail").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="tickets", target="notifications")


STATUS_CHOICES = [
    ("pending", "waiting for registration"),
    ("registered", "registered by a dispatcher"),
    ("discarded", "discarded"),
    ("filed", "filed as a new fault report"),
    ("commented", "added as a comment"),
]


def nullable_link(to, verbose_name):
    return models.ForeignKey(
        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
        to=to, verbose_name=verbose_name,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_move_inbound_email_to_tickets"),
        ("tickets", "0002_visit_cancel_escalated_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InboundEmail",
                    fields=[
                        ("id", models.BigAutoField(
                            auto_created=True, primary_key=True, serialize=False,
                            verbose_name="ID")),
                        ("created_at", models.DateTimeField(
                            auto_now_add=True, verbose_name="created at")),
                        ("updated_at", models.DateTimeField(
                            auto_now=True, db_index=True, verbose_name="updated at")),
                        ("message_id", models.CharField(max_length=500, verbose_name="Message-ID")),
                        ("sender", models.EmailField(max_length=254, verbose_name="sender")),
                        ("sender_name", models.CharField(
                            blank=True, max_length=200, verbose_name="sender name")),
                        ("subject", models.CharField(
                            blank=True, max_length=500, verbose_name="subject")),
                        ("body", models.TextField(blank=True, verbose_name="text")),
                        ("raw", models.FileField(
                            blank=True, max_length=300, upload_to=tickets.models.inbound_raw_path,
                            verbose_name="original message")),
                        ("received_at", models.DateTimeField(
                            db_index=True, verbose_name="received at")),
                        ("status", models.CharField(
                            choices=STATUS_CHOICES, default="pending", max_length=20,
                            verbose_name="status")),
                        ("notes", models.TextField(
                            blank=True, help_text="Skipped attachments, why it was queued.",
                            verbose_name="notes")),
                        ("handled_at", models.DateTimeField(
                            blank=True, null=True, verbose_name="handled at")),
                        ("comment", nullable_link("tickets.comment", "comment")),
                        ("handled_by", nullable_link(settings.AUTH_USER_MODEL, "handled by")),
                        ("ticket", nullable_link("tickets.ticket", "fault report")),
                    ],
                    options={
                        "verbose_name": "inbound e-mail",
                        "verbose_name_plural": "inbound e-mails",
                        "ordering": ["-received_at", "-id"],
                        "indexes": [models.Index(
                            fields=["status", "received_at"], name="notif_inbound_status_idx")],
                        "constraints": [models.UniqueConstraint(
                            fields=("message_id",),
                            name="notifications_inboundemail_unique_message_id")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RemoveConstraint(
            model_name="inboundemail", name="notifications_inboundemail_unique_message_id",
        ),
        migrations.AddConstraint(
            model_name="inboundemail",
            constraint=models.UniqueConstraint(
                fields=("message_id",), name="tickets_inboundemail_unique_message_id"),
        ),
        migrations.RenameIndex(
            model_name="inboundemail", new_name="tickets_inbound_status_idx",
            old_name="notif_inbound_status_idx",
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
