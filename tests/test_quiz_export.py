"""Quiz export for a school's question bank: GIFT (Moodle) and QTI 2.1, every option's feedback carried over.

Read back with parsers that are not Harbour's writer: GIFT with gift-pegjs (npm, the PEG grammar that
editors such as the VS Code GIFT extension use), QTI with xml.dom.minidom and a check of every element,
its parent and its required attributes against the QTI 2.1 and IMS content package specifications.
"""

import io
import json
import re
import subprocess
import zipfile
from xml.dom import minidom

import pytest

from course.config import PROJECT_ROOT
from course.content.library import load_library
from tests.node_tools import NODE_DIR, node_package

LIBRARY, _problems = load_library(PROJECT_ROOT)
MODULES = [m for m in LIBRARY.ordered() if m.quiz]


def _same(exported: str, source: str) -> bool:
    """The exported text is the quiz's, with each {{token}} filled in by some text of the school's."""
    assert "{{" not in exported
    pattern = ".+?".join(re.escape(" ".join(part.split())) for part in re.split(r"\{\{[^}]+\}\}", source))
    return re.fullmatch(pattern, exported) is not None


def _download(client, auth, role, path):
    auth.login_as(role)
    response = client.get(path)
    assert response.status_code == 200, path
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_the_library_links_both_exports_for_every_quiz(demo, client, auth):
    auth.login_as("teacher")
    page = client.get("/teach/library").get_data(as_text=True)
    for module in MODULES:
        assert f"/teach/library/{module.slug}/quiz.gift" in page and f"/teach/library/{module.slug}/quiz-qti.zip" in page


# --- GIFT, read by gift-pegjs -------------------------------------------------------------------------

def _parse_gift(text: str) -> list[dict]:
    node_package("gift-pegjs")
    done = subprocess.run(["node", str(NODE_DIR / "parse_gift.js")], input=text, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.slug)
def test_gift_parses_back_to_the_same_questions_answers_and_feedback(demo, client, auth, module):
    text = _download(client, auth, "teacher", f"/teach/library/{module.slug}/quiz.gift").get_data(as_text=True)
    assert "{{" not in text
    parsed = [item for item in _parse_gift(text) if item["type"] != "Category"]
    assert len(parsed) == len(module.quiz.questions)
    for question, item in zip(module.quiz.questions, parsed, strict=True):
        assert _unescape(item["title"]) == f"{module.slug}/{question.id}"
        assert _same(_unescape(item["stem"]["text"]), question.prompt)
        if item["type"] == "TF":
            right = next(o for o in question.options if o.correct)
            wrong = next(o for o in question.options if not o.correct)
            assert question.type == "true_false" and item["isTrue"] == (right.id == "true")
            # gift-pegjs keeps the two feedbacks in order (naming them trueFeedback, falseFeedback); Moodle's
            # importer (qformat_gift::split_truefalse_comment) reads the first as for a wrong answer, the second right.
            assert _same(_unescape(item["trueFeedback"]["text"]), wrong.feedback)
            assert _same(_unescape(item["falseFeedback"]["text"]), right.feedback)
            continue
        assert item["type"] == "MC"
        assert len(item["choices"]) == len(question.options)
        for option, choice in zip(question.options, item["choices"], strict=True):
            assert _same(_unescape(choice["text"]["text"]), option.text)
            assert _same(_unescape(choice["feedback"]["text"]), option.feedback)
            if question.type == "multiple":
                # Right options share 100%, a wrong one takes it all away: only the full right set scores.
                assert (choice["weight"] > 0) == option.correct
                assert choice["weight"] == (round(100 / len(question.correct_ids), 5) if option.correct else -100)
            else:
                assert choice["isCorrect"] == option.correct
        if question.type == "multiple":
            assert sum(c["weight"] for c in item["choices"] if c["weight"] > 0) == pytest.approx(100, abs=0.001)


def test_gift_escapes_its_own_special_characters():
    from course.content.quizzes import Option, Question, Quiz
    from course.domain.quiz_export import gift
    tricky = Question("odd", "single", "Is 2+2=4? {really} ~ # :: \\", (
        Option("yes", "Yes = right", True, "Well done: #1"), Option("no", "No {}", False, "It is ~4")), False)
    parsed = _parse_gift(gift(Quiz("maths", 50, (tricky,), PROJECT_ROOT), "Maths: sums", lambda t: t))
    question = [p for p in parsed if p["type"] != "Category"][0]
    assert _unescape(question["stem"]["text"]) == "Is 2+2=4? {really} ~ # :: \\"
    assert [_unescape(c["text"]["text"]) for c in question["choices"]] == ["Yes = right", "No {}"]
    assert [_unescape(c["feedback"]["text"]) for c in question["choices"]] == ["Well done: #1", "It is ~4"]


# --- QTI 2.1, read by minidom and checked against the specification's element names --------------------

# Element -> the children the QTI 2.1 information model allows it (the subset a choice item uses),
# and the attributes it requires. From the IMS QTI 2.1 final specification (assessmentItem, choiceInteraction,
# simpleChoice, feedbackInline, responseProcessing and its expressions).
QTI_CHILDREN = {
    "assessmentItem": {"responseDeclaration", "outcomeDeclaration", "templateDeclaration", "stylesheet", "itemBody",
                       "responseProcessing", "modalFeedback"},
    "responseDeclaration": {"defaultValue", "correctResponse", "mapping", "areaMapping"},
    "outcomeDeclaration": {"defaultValue", "lookupTable"},
    "defaultValue": {"value"}, "correctResponse": {"value"}, "value": set(),
    "itemBody": {"choiceInteraction", "p", "div"},
    "choiceInteraction": {"prompt", "simpleChoice"},
    "prompt": set(), "simpleChoice": {"feedbackInline"}, "feedbackInline": set(),
    "responseProcessing": {"responseCondition", "setOutcomeValue"},
    "responseCondition": {"responseIf", "responseElseIf", "responseElse"},
    "responseIf": {"match", "setOutcomeValue"}, "responseElse": {"setOutcomeValue"},
    "match": {"variable", "correct", "baseValue"}, "variable": set(), "correct": set(),
    "setOutcomeValue": {"baseValue", "variable", "multiple"}, "multiple": {"variable", "baseValue"}, "baseValue": set(),
}
QTI_REQUIRED = {
    "assessmentItem": {"identifier", "title", "adaptive", "timeDependent"},
    "responseDeclaration": {"identifier", "cardinality"}, "outcomeDeclaration": {"identifier", "cardinality"},
    "choiceInteraction": {"responseIdentifier"}, "simpleChoice": {"identifier"},
    "feedbackInline": {"outcomeIdentifier", "identifier", "showHide"}, "variable": {"identifier"},
    "correct": {"identifier"}, "setOutcomeValue": {"identifier"}, "baseValue": {"baseType"},
}
CP_CHILDREN = {"manifest": {"metadata", "organizations", "resources"}, "metadata": {"schema", "schemaversion"},
               "schema": set(), "schemaversion": set(), "organizations": set(), "resources": {"resource"},
               "resource": {"file", "metadata", "dependency"}, "file": set()}
NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def _elements(node):
    return [c for c in node.childNodes if c.nodeType == c.ELEMENT_NODE]


def _check_tree(element, children: dict[str, set[str]], required: dict[str, set[str]], namespace: str, where: str):
    assert element.namespaceURI == namespace, f"{where}: {element.tagName} is outside {namespace}"
    assert element.localName in children, f"{where}: {element.localName} is not a QTI 2.1 / IMS CP element here"
    missing = required.get(element.localName, set()) - set(element.attributes.keys())
    assert not missing, f"{where}: {element.localName} lacks {missing}"
    for child in _elements(element):
        assert child.localName in children[element.localName], f"{where}: {child.localName} inside {element.localName}"
        _check_tree(child, children, required, namespace, where)


def _text(element) -> str:
    return "".join(c.data for c in element.childNodes if c.nodeType == c.TEXT_NODE).strip()


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.slug)
def test_qti_package_has_a_manifest_and_one_valid_item_per_question(demo, client, auth, module):
    response = _download(client, auth, "dsl", f"/teach/library/{module.slug}/quiz-qti.zip")
    assert response.mimetype == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = minidom.parseString(package.read("imsmanifest.xml")).documentElement  # noqa: S318 (our own export)
    _check_tree(manifest, CP_CHILDREN, {"resource": {"identifier", "type"}, "file": {"href"}},
                "http://www.imsglobal.org/xsd/imscp_v1p1", "imsmanifest.xml")
    resources = manifest.getElementsByTagName("resource")
    assert len(resources) == len(module.quiz.questions)
    assert {r.getAttribute("type") for r in resources} == {"imsqti_item_xmlv2p1"}
    assert sorted(package.namelist()) == sorted(["imsmanifest.xml", *(r.getAttribute("href") for r in resources)])
    item_ids = set()
    for question, resource in zip(module.quiz.questions, resources, strict=True):
        href = resource.getAttribute("href")
        item = minidom.parseString(package.read(href)).documentElement  # noqa: S318
        _check_tree(item, QTI_CHILDREN, QTI_REQUIRED, "http://www.imsglobal.org/xsd/imsqti_v2p1", href)
        assert item.localName == "assessmentItem" and item.getAttribute("identifier") == resource.getAttribute("identifier")
        assert NCNAME.match(item.getAttribute("identifier"))
        item_ids.add(item.getAttribute("identifier"))
        declaration = item.getElementsByTagName("responseDeclaration")[0]
        assert declaration.getAttribute("cardinality") == ("multiple" if question.type == "multiple" else "single")
        interaction = item.getElementsByTagName("choiceInteraction")[0]
        assert interaction.getAttribute("maxChoices") == ("0" if question.type == "multiple" else "1")
        choices = interaction.getElementsByTagName("simpleChoice")
        by_id = {c.getAttribute("identifier"): c for c in choices}
        assert len(by_id) == len(question.options) and all(NCNAME.match(i) for i in by_id)
        right = {_text(v) for v in declaration.getElementsByTagName("correctResponse")[0].getElementsByTagName("value")}
        assert right == {f"H-{o}" for o in question.correct_ids}
        assert _same(_text(interaction.getElementsByTagName("prompt")[0]), question.prompt)
        for option, choice in zip(question.options, choices, strict=True):
            feedback = choice.getElementsByTagName("feedbackInline")[0]
            # The feedback shows when FEEDBACK holds this choice: the outcome responseProcessing sets from RESPONSE.
            assert feedback.getAttribute("identifier") == choice.getAttribute("identifier")
            assert feedback.getAttribute("outcomeIdentifier") == "FEEDBACK"
            assert _same(_text(feedback), option.feedback) and _same(_text(choice), option.text)
    assert len(item_ids) == len(module.quiz.questions)


def test_the_exports_are_for_staff_and_unknown_modules_are_not_found(demo, client, auth):
    slug = MODULES[0].slug
    auth.login_as("pupil")
    assert client.get(f"/teach/library/{slug}/quiz.gift").status_code == 403
    auth.logout()
    auth.login_as("admin")
    assert client.get("/teach/library/no-such-module/quiz.gift").status_code == 404
    assert client.get("/teach/library/no-such-module/quiz-qti.zip").status_code == 404
