# Takes over quarters' CapacityReservation (see quarters/0003): the model enters credits' state
# on its old table, then the table gets credits' name. No row is copied or lost.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credits', '0002_alter_application_status_and_more'),
        ('quarters', '0003_capacityreservation_moves_to_credits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CapacityReservation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount (EUR)')),
                        ('reserved_at', models.DateTimeField(auto_now_add=True, verbose_name='reserved at')),
                        ('released_at', models.DateTimeField(blank=True, null=True, verbose_name='released at')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='credits.application', verbose_name='application')),
                        ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='quarters.liabilityfund', verbose_name='fund')),
                        ('quarter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='quarters.quarter', verbose_name='quarter')),
                    ],
                    options={
                        'verbose_name': 'capacity reservation',
                        'verbose_name_plural': 'capacity reservations',
                        'ordering': ['-reserved_at', '-id'],
                        'db_table': 'quarters_capacityreservation',
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='reservation_amount_positive'), models.UniqueConstraint(condition=models.Q(('released_at__isnull', True)), fields=('application',), name='reservation_one_active_per_application')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='capacityreservation', table=None),
    ]
