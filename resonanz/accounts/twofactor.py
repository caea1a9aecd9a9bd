"""The TOTP second factor: enrolment, verification (codes or single-use recovery codes), disabling, and
the brand setting that makes it compulsory for staff."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resonanz.accounts import totp
from resonanz.accounts.models import Brand, Role, TwoFactor, User
from resonanz.accounts.permissions import AnyUser, check_role
from resonanz.core.errors import Conflict, InvalidInput
from resonanz.sources.crypto import decrypt_credentials, encrypt_credentials

RECOVERY_CODES = 10
SESSION_VERIFIED = "second_factor_verified"
SESSION_PENDING = "second_factor_pending"


def is_enabled(user: AnyUser | None) -> bool:
    return isinstance(user, User) and user.second_factor_on


def _secret(record: TwoFactor) -> str:
    return decrypt_credentials(record.secret)["totp"]


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def start_enrolment(user: User) -> tuple[str, str]:
    """The base32 secret and otpauth URI to show; the pending secret is kept until it is confirmed."""
    record = TwoFactor.objects.filter(user=user).first()
    if record is not None and record.confirmed_at is not None:
        raise Conflict(_("The second factor is already switched on."))
    if record is None:
        record = TwoFactor.objects.create(user=user, secret=encrypt_credentials({"totp": totp.new_secret()}))
    secret = _secret(record)
    return secret, totp.provisioning_uri(secret, account=user.username)


@transaction.atomic
def confirm_enrolment(user: User, code: str) -> list[str]:
    """Switch the factor on once the user proves their app has the secret; returns the recovery codes,
    which exist in plain text only in this return value."""
    record = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if record is None:
        raise Conflict(_("Start the set-up of the second factor first."))
    step = totp.matching_step(_secret(record), code)
    if step is None:
        raise InvalidInput({"code": _("The code is not correct. Check the time on your device.")})
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _i in range(RECOVERY_CODES)]
    record.recovery_hashes = [_hash(c) for c in codes]
    record.confirmed_at = timezone.now()
    record.last_step = step
    record.save(update_fields=["recovery_hashes", "confirmed_at", "last_step", "updated_at"])
    user.second_factor_on = True
    user.save(update_fields=["second_factor_on"])
    return codes


@transaction.atomic
def verify(user: User, code: str) -> bool:
    """A current TOTP code (each used at most once) or an unused recovery code, which is then spent."""
    record = TwoFactor.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if record is None or not code.strip():
        return False
    step = totp.matching_step(_secret(record), code)
    if step is not None:
        if step <= record.last_step:  # replayed: this code (or a later one) was already used
            return False
        record.last_step = step
        record.save(update_fields=["last_step", "updated_at"])
        return True
    digest = _hash(code)
    if digest in record.recovery_hashes:
        record.recovery_hashes = [h for h in record.recovery_hashes if h != digest]
        record.save(update_fields=["recovery_hashes", "updated_at"])
        return True
    return False


def remaining_recovery_codes(user: User) -> int:
    record = TwoFactor.objects.filter(user=user).first()
    return len(record.recovery_hashes) if record else 0


@transaction.atomic
def disable(user: User, *, password: str, code: str) -> None:
    errors = {}
    if not user.check_password(password):
        errors["password"] = _("The password is not correct.")
    elif not verify(user, code):
        errors["code"] = _("The code is not correct.")
    if errors:
        raise InvalidInput(errors)
    TwoFactor.objects.filter(user=user).delete()
    user.second_factor_on = False
    user.save(update_fields=["second_factor_on"])


@transaction.atomic
def reset(user: User) -> bool:
    """Remove the factor without a code (operators only, from the CLI); True if there was one."""
    deleted, _counts = TwoFactor.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(second_factor_on=False)
    user.second_factor_on = False
    return bool(deleted)


def set_staff_requirement(brand: Brand, *, on: bool, by: AnyUser) -> Brand:
    check_role(by, brand, Role.ADMIN)
    brand.staff_require_second_factor = on
    brand.save(update_fields=["staff_require_second_factor", "updated_at"])
    return brand
