"""Demo agencies and users (synthetic people, Faker en_GB), each with a TOTP device.

Demo only: the password is shared and the TOTP secrets are printed so that a person can
add them to an authenticator, or run `safeguard web totp USERNAME` for the current code.
`seed()` refuses to run unless SAFEGUARD_MODE=demo, and is idempotent: a second run finds
what the first made and prints the same logins.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .accounts import totp
from .accounts.models import Agency, AgencyKind, Role, User
from .audit.events import record
from .audit.models import Action

DEMO_PASSWORD = "safeguard-demo-2026"
FAKER_SEED = 20261128


class NotDemoMode(Exception):
    """Demo logins with printed secrets only exist in demo mode."""


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    kind: str
    roles: tuple[Role, ...]


AGENCIES = (
    DemoAgency("police", "Staffordshire Police (demo)", AgencyKind.POLICE, (
        Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INVESTIGATOR, Role.FORENSIC_EXAMINER,
        Role.IMAGE_REVIEWER, Role.ANALYST, Role.PRACTITIONER,
    )),
    DemoAgency(
        "county",
        "Staffordshire County Council Children's Services (demo)",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.PRACTITIONER),
    ),
    DemoAgency("city", "Stoke-on-Trent City Council (demo)", AgencyKind.CHILDRENS_SOCIAL_CARE,
               (Role.SUPERVISOR, Role.PRACTITIONER)),
    DemoAgency("icb", "Staffordshire and Stoke-on-Trent Integrated Care Board (demo)",
               AgencyKind.HEALTH, (Role.PRACTITIONER,)),
    DemoAgency("education", "Staffordshire Schools Safeguarding Team (demo)",
               AgencyKind.EDUCATION, (Role.PRACTITIONER,)),
    DemoAgency("voluntary", "Moorlands Young People's Trust (demo)",
               AgencyKind.VOLUNTARY_SECTOR, (Role.PRACTITIONER,)),
    # Last, so that the Faker names of the agencies above stay the same per seed. One
    # district's licensing authority stands for the eight of two-tier Staffordshire.
    DemoAgency("licensing", "Stafford Borough Council Licensing (demo)",
               AgencyKind.LICENSING_AUTHORITY, (Role.PRACTITIONER,)),
)

# Short usernames: they are typed at every demo sign-in.
_ROLE_WORD = {
    Role.ADMINISTRATOR: "admin",
    Role.SUPERVISOR: "supervisor",
    Role.INVESTIGATOR: "investigator",
    Role.FORENSIC_EXAMINER: "examiner",
    Role.IMAGE_REVIEWER: "reviewer",
    Role.ANALYST: "analyst",
    Role.PRACTITIONER: "practitioner",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    agency: str
    role: str
    secret: str


def require_demo_mode() -> None:
    if settings.MODE != "demo":
        raise NotDemoMode("demo accounts exist only in demo mode (SAFEGUARD_MODE=demo)")


def seed() -> list[DemoLogin]:
    """Create (or find) the demo agencies and users; return their logins."""
    require_demo_mode()
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(FAKER_SEED)
    logins: list[DemoLogin] = []
    with transaction.atomic():
        for spec in AGENCIES:
            agency, created = Agency.objects.get_or_create(
                name=spec.name, defaults={"kind": spec.kind}
            )
            if created:
                record(None, Action.CREATE, agency, username="demo seed")
            for role in spec.roles:
                # Drawn for every user, new or not, so the names stay the same per seed.
                first, last = fake.first_name(), fake.last_name()
                user = _user(f"{spec.key}.{_ROLE_WORD[role]}", first, last, agency, role,
                             platform=spec.key == "police" and role == Role.ADMINISTRATOR)
                device = _device(user)
                logins.append(DemoLogin(
                    user.username, user.get_full_name(), agency.name, user.get_role_display(),
                    totp.secret_base32(device),
                ))
    return logins


def _user(username: str, first: str, last: str, agency: Agency, role: Role,
          platform: bool) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
        agency=agency,
        role=role,
        manages_all_agencies=platform,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    record(None, Action.CREATE, user, username="demo seed", role=role)
    return user


def _device(user: User) -> TOTPDevice:
    device = totp.confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=totp.DEVICE_NAME, confirmed=True)
    return device


def current_code(username: str) -> tuple[str, int]:
    """The current code of a demo user's device and the seconds it stays valid."""
    require_demo_mode()
    import time

    user = User.objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"no user {username!r}")
    device = totp.confirmed_device(user)
    if device is None:
        raise LookupError(f"{username} has no authenticator yet")
    now = time.time()
    remaining = device.step - int(now - device.t0) % device.step
    return totp.current_code(device, now), remaining
