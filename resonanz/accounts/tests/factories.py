"""Factories for users, brands and memberships."""

from __future__ import annotations

import factory

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


def member_factory(brand: Brand, role: Role = Role.MEMBER, **kwargs: object) -> User:
    """A user with ``role`` in ``brand``: ``member_factory(brand, Role.MODERATOR)``."""
    user = UserFactory.create(**kwargs)
    Membership.objects.create(brand=brand, user=user, role=role)
    return user
