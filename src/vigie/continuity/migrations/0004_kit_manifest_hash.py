from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('continuity', '0003_crisis_kit'),
    ]

    operations = [
        migrations.AddField(
            model_name='crisiskit',
            name='manifest_sha256',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='MANIFEST.sha256 SHA-256'),
        ),
    ]
