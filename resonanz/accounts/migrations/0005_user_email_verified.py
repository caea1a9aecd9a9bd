from django.db import migrations, models


class Migration(migrations.Migration):
    # default=True marks every existing account verified; only new sign-ups start unverified.
    dependencies = [
        ("accounts", "0004_two_factor_and_staff_requirement"),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_verified',
            field=models.BooleanField(default=True, verbose_name='e-mail address confirmed'),
        ),
    ]
