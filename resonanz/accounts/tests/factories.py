"""Factories for users, brands and memberships."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from resonanz.accounts.models import Brand, Membership, Role, User


class BrandFactory(factory.django.DjangoModelFactory[Brand]):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Marke {n}")
    slug = factory.Sequence(lambda n: f"marke-{n}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "sicheres-passwort-123")

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def member_factory(
    brand: Brand, role: Role = Role.MEMBER, *, member_days: int = 30, **kwargs: object
) -> User:
    """A user with ``role`` in ``brand``: ``member_factory(brand, Role.MODERATOR)``.

    The membership is ``member_days`` old, so a factory moderator is an established one (the criticism
    guard lets only roles older than a week approve); pass ``member_days=0`` for a fresh appointment."""
    user = UserFactory.create(**kwargs)
    membership = Membership.objects.create(brand=brand, user=user, role=role)
    if member_days:
        since = timezone.now() - timedelta(days=member_days)
        Membership.objects.filter(pk=membership.pk).update(created_at=since)
    return user
