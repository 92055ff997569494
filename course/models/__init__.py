"""Harbour's data model: every record belongs to a school."""

from .append_only import AppendOnlyError
from .assignment import AnswersShown, Assignment, assignment_pupil
from .audit import AuditEvent
from .base import utcnow
from .classes import SchoolClass, class_pupil, class_teacher
from .help_request import HelpRequest, HelpRequestEvent, RequestStatus, Urgency
from .help_service import HelpService
from .knowledge import CheckPhase, KnowledgeCheckAnswer, KnowledgeCheckAttempt
from .leaver_summary import LeaverSummary
from .login_failure import LoginFailure
from .module import Module
from .progress import AttemptAnswer, Progress, QuizAttempt, Status
from .school import School
from .sign_in import SchoolSignIn, UsedNonce
from .staff_notice import StaffNotice
from .staff_training import StaffTrainingCompletion
from .user import STAFF_ROLES, Role, User

__all__ = [
    "AppendOnlyError", "AnswersShown", "Assignment", "assignment_pupil", "AuditEvent", "utcnow", "SchoolClass",
    "class_pupil", "class_teacher", "HelpRequest", "HelpRequestEvent", "RequestStatus", "Urgency",
    "HelpService", "CheckPhase", "KnowledgeCheckAnswer", "KnowledgeCheckAttempt", "LeaverSummary", "LoginFailure", "Module", "AttemptAnswer", "Progress", "QuizAttempt", "Status",
    "School", "SchoolSignIn", "StaffNotice", "StaffTrainingCompletion", "UsedNonce", "STAFF_ROLES", "Role", "User",
]
