# InboundEmail moves to the tickets app (beside the other intake channels): the table is
# renamed here and the model leaves this app's state; tickets 0003 takes it into its own
# state, renames its constraint and index, and moves its content type (no data is copied).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_outbox_message"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="inboundemail", table="tickets_inboundemail"),
            ],
            state_operations=[
                migrations.DeleteModel(name="InboundEmail"),
            ],
        ),
    ]
