"""What parents and carers are given, with no account: the school's public parents' page, a take-home sheet
per pupil module and the letter home. Nothing here reads a pupil's record; the only school data used is its
name, safeguarding contact, region's help directory and what it has chosen to teach.

There are deliberately no parent accounts and no progress shown to parents: in grooming and abuse the adult at
home can be the risk (README, "Parents and carers").
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import ContentLibrary
from ..content.modules import ModuleContent
from ..models import Assignment, Module, School
from .directory import contacts_of

LETTER_LIMIT = 6000

DEFAULT_LETTER = """Dear parents and carers,

This term your child's lessons at {school} include online safety. The lessons help children to notice when someone online is pressuring them, to say no, and to know where to get help. They cover grooming and online blackmail, where someone threatens to share a picture unless they are paid or sent more.

The lessons are calm and never graphic. They say again and again that it is never the child's fault, and that it is never too late to tell an adult.

On our parents' page you will find a short sheet for each lesson: what your child learned, some ways to start a conversation at home, and what to do if your child tells you something worrying. You will also find who to contact for help.

If you are worried about your child, or about any child, please contact {contact}.

With thanks,
{school}"""

# The roles a parent's sheet lists, in this order, each as the school's first service with that role.
SHEET_ROLES = ("report_abuse", "police_report", "emergency", "remove_images", "helpline")


class LetterProblem(ValueError):
    """A letter that cannot be saved; nothing is changed."""


def find_school(session: Session, parents_page_id: str) -> School | None:
    """The school whose parents' page this is; an id that matches no school finds nothing (a 404)."""
    if not parents_page_id or len(parents_page_id) > 32:
        return None
    return session.scalars(select(School).where(School.parents_page_id == parents_page_id)).first()


def taught_modules(session: Session, school: School, content: ContentLibrary) -> list[ModuleContent]:
    """The pupil modules the school has set for any class, in course order; all of them before it has set any."""
    slugs = set(session.scalars(select(Module.slug).join(Assignment, Assignment.module_id == Module.id)
                                .where(Assignment.school_id == school.id, Module.available)).all())
    modules = content.ordered()
    chosen = [m for m in modules if m.slug in slugs]
    return chosen or modules


def letter_text(school: School) -> str:
    contact = school.safeguarding_contact or "the school's safeguarding lead"
    if school.parents_letter:
        return school.parents_letter
    return DEFAULT_LETTER.format(school=school.name, contact=contact)


def save_letter(school: School, text: str | None) -> None:
    """Save the school's letter; an empty letter brings back Harbour's default. The caller commits."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > LETTER_LIMIT:
        raise LetterProblem(f"Keep the letter to {LETTER_LIMIT} characters or fewer (it has {len(text)}).")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise LetterProblem("The letter has a control character in it: type it again, or paste it as plain text.")
    school.parents_letter = text or None


@dataclass(frozen=True)
class SheetService:
    name: str
    contact: str
    for_whom: str


@dataclass(frozen=True)
class Sheet:
    school_name: str
    safeguarding_contact: str
    module: ModuleContent
    learned: tuple[str, ...]
    starters: tuple[str, ...]
    signs: tuple[str, ...]
    if_your_child_tells_you: tuple[str, ...]
    services: tuple[SheetService, ...]


def sheet_services(services: list) -> tuple[SheetService, ...]:
    """For adults first (a helpline for parents), then the first service for each role a parent needs."""
    chosen = [s for s in services if s.audience == "staff"]
    for role in SHEET_ROLES:
        first = next((s for s in services if s.audience == "pupil" and role in s.roles), None)
        if first is not None and all(first.key != c.key for c in chosen):
            chosen.append(first)
    return tuple(SheetService(s.name, ", ".join(contacts_of(s)), s.for_whom) for s in chosen)


def build_sheet(school: School, module: ModuleContent, services: list, content: ContentLibrary) -> Sheet:
    sheets = content.parent_sheets
    return Sheet(
        school_name=school.name,
        safeguarding_contact=school.safeguarding_contact or "the school's safeguarding lead",
        module=module,
        learned=tuple(module.objectives),
        starters=sheets.starters.get(module.slug, ()),
        signs=sheets.signs,
        if_your_child_tells_you=sheets.if_your_child_tells_you,
        services=sheet_services(services),
    )
