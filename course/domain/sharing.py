"""Sharing an assignment where pupils already look: Google Classroom's public share link, and a plain link.

No API and no keys: Classroom's share page (classroom.google.com/share) takes the address and a title, and the
teacher picks the class there. The link leads to Harbour, where the pupil logs in and their progress is kept.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

CLASSROOM_SHARE = "https://classroom.google.com/share"


@dataclass(frozen=True)
class ShareLinks:
    pupil_link: str  # the plain link a teacher pastes anywhere (Teams, a Moodle page, an email)
    classroom: str  # opens Classroom's "Share to Classroom" page with the link filled in


def share_links(pupil_link: str, module_title: str, due: date | None) -> ShareLinks:
    body = f"Work through “{module_title}” in Harbour, then take its quiz. Log in with your Harbour username."
    if due is not None:
        body += f" Due {due.strftime('%-d %B %Y')}."
    query = urlencode({"url": pupil_link, "title": module_title, "body": body, "itemtype": "assignment"})
    return ShareLinks(pupil_link, f"{CLASSROOM_SHARE}?{query}")
