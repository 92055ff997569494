"""How a module is delivered: the most sensitive ones are taught in class first, and a teacher who sets one
as independent work confirms that they have read why."""

from ..content.modules import ModuleContent

IN_CLASS, INDEPENDENT = "in_class", "independent"

TEACH_IN_CLASS_FIRST_WHY = (
    "Teach this in class first. It is about online blackmail, sharing images or a friend in danger: a pupil "
    "may be upset by it, or may be going through it now. Led in class, an adult is there to notice, to stay "
    "with them and to fetch the safeguarding lead. Tell your safeguarding lead before you teach it."
)


def needing_confirmation(modules: list[ModuleContent], delivery: str, confirmed: bool) -> list[ModuleContent]:
    """The chosen modules that should not be set as independent work without the teacher's confirmation."""
    if delivery != INDEPENDENT or confirmed:
        return []
    return [m for m in modules if m.teach_in_class_first]
