"""A school's help directory: seeded from its region's file, and what lesson tokens stand for there."""

from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..content.help_directory import Service
from ..content.tokens import ServiceMention, TokenValues
from ..models import HelpService, School

# A help directory entry not checked for this long may be out of date: the overview, the directory
# page and `flask doctor` all warn about it.
STALE_AFTER = timedelta(days=365)


def needs_checking(last_checked: date, today: date) -> bool:
    """A help directory entry not checked for 12 months may be out of date."""
    return today - last_checked > STALE_AFTER


def directory_changed(school: School) -> None:
    """Call on every change to the school's help directory, in the same transaction as the change."""
    school.directory_version = (school.directory_version or 0) + 1


def seed_help_services(session: Session, school: School, content: ContentLibrary) -> None:
    """Replace the school's directory with its region's entries (on set-up or a change of region)."""
    directory_changed(school)
    region = content.regions.get(school.region) or content.regions["uk"]
    session.execute(delete(HelpService).where(HelpService.school_id == school.id))
    for position, service in enumerate(region.services):
        session.add(HelpService(
            school_id=school.id, key=service.key, position=position, roles=list(service.roles),
            name=service.name, for_whom=service.for_whom, description=service.description,
            phone=service.phone, text_number=service.text_number, url=service.url, hours=service.hours,
            audience=service.audience, last_checked=service.last_checked,
        ))


def school_services(session: Session, school: School | None, content: ContentLibrary) -> list[HelpService | Service]:
    """The services to show: the school's own copy, or the default region's file before a school exists."""
    if school is not None:
        rows = list(session.scalars(select(HelpService).where(HelpService.school_id == school.id)
                                    .order_by(HelpService.position)))
        if rows:
            return rows
    region = content.regions.get(school.region if school else "uk") or content.regions["uk"]
    return list(region.services)


def sync_roles_from_files(session: Session, content: ContentLibrary) -> int:
    """Keep each school's copy of its directory in step with its region's file where the file decides: which
    role each entry stands for (a school cannot edit roles), and entries the file has added since (a new
    role needs a service). A safeguarding lead's edits to names, numbers and words stay. Returns how many
    schools changed; the caller commits."""
    changed = 0
    # Every school's entries in one query, not one per school: this runs at each worker's start.
    by_school: dict[int, dict[str, HelpService]] = {}
    for row in session.scalars(select(HelpService)):
        by_school.setdefault(row.school_id, {})[row.key] = row
    for school in session.scalars(select(School)):
        region = content.regions.get(school.region) or content.regions["uk"]
        rows = by_school.get(school.id)
        if not rows:
            continue
        file_keys = {service.key for service in region.services}
        touched = False
        for position, service in enumerate(region.services):
            row = rows.get(service.key)
            if row is None:
                session.add(HelpService(
                    school_id=school.id, key=service.key, position=position, roles=list(service.roles),
                    name=service.name, for_whom=service.for_whom, description=service.description,
                    phone=service.phone, text_number=service.text_number, url=service.url, hours=service.hours,
                    audience=service.audience, last_checked=service.last_checked))
                touched = True
            elif list(row.roles or []) != list(service.roles):
                row.roles = list(service.roles)
                touched = True
        for key, row in rows.items():
            if key not in file_keys and row.roles:
                row.roles = []  # the file no longer names it for any role: never a lesson's pick
                touched = True
        if touched:
            directory_changed(school)
            changed += 1
    return changed


def contacts_of(service: HelpService | Service) -> list[str]:
    """Every way to reach the service, in the words pages use: "call …", "text …", the web address."""
    found = []
    if service.phone:
        found.append(f"call {service.phone}")
    if service.text_number:
        found.append(f"text {service.text_number}")
    if service.url:
        found.append(service.url.removeprefix("https://").removeprefix("http://").rstrip("/"))
    return found


def contact_of(service: HelpService | Service) -> str:
    """The first way to reach the service (contacts_of), or "" when it has none."""
    return next(iter(contacts_of(service)), "")


def link_of(service: HelpService | Service) -> str:
    """The contact contact_of names, as a link: tel: for a phone number, sms: for a text number, else the page."""
    if service.phone:
        return "tel:" + service.phone.replace(" ", "").replace("-", "")
    if service.text_number:
        return "sms:" + service.text_number.replace(" ", "").replace("-", "")
    return service.url or ""


def token_values(services: list, school: School | None) -> TokenValues:
    by_role: dict[str, ServiceMention] = {}
    for service in services:
        if service.audience != "pupil":
            continue
        for role in service.roles:
            by_role.setdefault(role, ServiceMention(service.name, contact_of(service), link_of(service), role))
    return TokenValues(
        services=by_role,
        school_name=school.name if school else "your school",
        safeguarding_contact=school.safeguarding_contact if school else "",
        region=school.region if school else "uk",
    )
