# The capacity reservation belongs to the loans (credits), which own the fund's exposure. The
# table stays; only Django's state forgets the model here, and credits/0003 takes it over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('quarters', '0002_capacityreservation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CapacityReservation')],
            database_operations=[],
        ),
    ]
