"""A module's quiz for a school's own question bank: GIFT (Moodle's import format) and a QTI 2.1 package.

Both carry every option's feedback, the explanations that make Harbour's quizzes teach. Text is plain
(quiz text has no Markdown in use) with the school's tokens filled in by the caller's `fill`.
"""

import io
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree as ET

from ..content.quizzes import Question, Quiz

Fill = Callable[[str], str]

# --- GIFT (https://docs.moodle.org/en/GIFT_format) ---------------------------------------------------

_GIFT_SPECIAL = "\\~=#{}:"


def _gift(text: str) -> str:
    escaped = "".join(f"\\{c}" if c in _GIFT_SPECIAL else c for c in text)
    return " ".join(escaped.split())  # a blank line would end the question


def _weight(correct_count: int) -> str:
    # Moodle accepts only its own list of grade fractions; 100/n to five places is on it for n up to 10.
    return f"{100 / correct_count:.5f}".rstrip("0").rstrip(".")


def _gift_question(slug: str, question: Question, fill: Fill) -> str:
    head = f"::{_gift(f'{slug}/{question.id}')}:: {_gift(fill(question.prompt))} {{"
    ids = {o.id for o in question.options}
    if question.type == "true_false" and ids == {"true", "false"}:
        right = next(o for o in question.options if o.correct)
        wrong = next(o for o in question.options if not o.correct)
        # GIFT's true/false: the answer, then the feedback for a wrong answer, then for a right one.
        return f"{head}{'TRUE' if right.id == 'true' else 'FALSE'}#{_gift(fill(wrong.feedback))}#{_gift(fill(right.feedback))}}}"
    lines = [head]
    if question.type == "multiple":
        share = _weight(len(question.correct_ids))
        for o in question.options:
            lines.append(f"~%{share if o.correct else '-100'}%{_gift(fill(o.text))}#{_gift(fill(o.feedback))}")
    else:
        for o in question.options:
            lines.append(f"{'=' if o.correct else '~'}{_gift(fill(o.text))}#{_gift(fill(o.feedback))}")
    return "\n".join(lines) + "\n}"


def gift(quiz: Quiz, module_title: str, fill: Fill) -> str:
    blocks = [f"// {module_title}: the Harbour quiz (pass mark {quiz.pass_mark}%)",
              f"$CATEGORY: $course$/Harbour/{_gift(module_title)}"]
    blocks += [_gift_question(quiz.module_slug, q, fill) for q in quiz.questions]
    return "\n\n".join(blocks) + "\n"


# --- QTI 2.1 (IMS Question and Test Interoperability, with an IMS content package manifest) -----------

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p2.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def _identifier(*parts: str) -> str:
    # QTI identifiers are XML NCNames: Harbour's ids (letters, digits, - and _) are, once they start with a letter.
    return "H-" + "-".join(parts)


def choice_identifier(option_id: str) -> str:
    return _identifier(option_id)


def item_identifier(slug: str, question_id: str) -> str:
    return _identifier(slug, question_id)


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _root(tag: str, namespace: str, schema: str, **attrs) -> ET.Element:
    # Written as literal xmlns attributes: ElementTree's own namespace handling would prefix every tag.
    return ET.Element(tag, {"xmlns": namespace, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{namespace} {schema}",
                            **attrs})


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def assessment_item(slug: str, number: int, question: Question, fill: Fill) -> bytes:
    cardinality = "multiple" if question.type == "multiple" else "single"
    root = _root("assessmentItem", QTI_NS, QTI_XSD, identifier=item_identifier(slug, question.id),
                 title=f"{slug}, question {number}", adaptive="false", timeDependent="false")
    response = _el(root, "responseDeclaration", identifier="RESPONSE", cardinality=cardinality, baseType="identifier")
    correct = _el(response, "correctResponse")
    for o in question.options:
        if o.correct:
            _el(correct, "value", text=choice_identifier(o.id))
    score = _el(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    _el(_el(score, "defaultValue"), "value", text="0")
    _el(root, "outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple", baseType="identifier")
    body = _el(root, "itemBody")
    interaction = _el(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
                      maxChoices="0" if cardinality == "multiple" else "1")
    _el(interaction, "prompt", text=fill(question.prompt))
    for o in question.options:
        choice = _el(interaction, "simpleChoice", identifier=choice_identifier(o.id), text=fill(o.text) + " ")
        # Shown beside each option the pupil chose, once answered: the explanation Harbour gives.
        _el(choice, "feedbackInline", outcomeIdentifier="FEEDBACK", identifier=choice_identifier(o.id),
            showHide="show", text=fill(o.feedback))
    processing = _el(root, "responseProcessing")
    condition = _el(processing, "responseCondition")
    when_right = _el(condition, "responseIf")
    match = _el(when_right, "match")
    _el(match, "variable", identifier="RESPONSE")
    _el(match, "correct", identifier="RESPONSE")
    _el(_el(when_right, "setOutcomeValue", identifier="SCORE"), "baseValue", baseType="float", text="1")
    _el(_el(_el(condition, "responseElse"), "setOutcomeValue", identifier="SCORE"), "baseValue", baseType="float",
        text="0")
    _el(_el(_el(processing, "setOutcomeValue", identifier="FEEDBACK"), "multiple"), "variable", identifier="RESPONSE")
    return _xml(root)


def _manifest(slug: str, module_title: str, hrefs: list[tuple[str, str]]) -> bytes:
    root = _root("manifest", CP_NS, CP_XSD, identifier=_identifier(slug, "manifest"))
    metadata = _el(root, "metadata")
    _el(metadata, "schema", text="QTIv2.1 Package")
    _el(metadata, "schemaversion", text="1.0.0")
    _el(root, "organizations")
    resources = _el(root, "resources")
    for identifier, href in hrefs:
        resource = _el(resources, "resource", identifier=identifier, type="imsqti_item_xmlv2p1", href=href)
        _el(resource, "file", href=href)
    root.insert(0, ET.Comment(f" {module_title}: the Harbour quiz, one assessmentItem per question "))
    return _xml(root)


def qti_package(quiz: Quiz, module_title: str, fill: Fill) -> bytes:
    buffer = io.BytesIO()
    hrefs = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for number, question in enumerate(quiz.questions, start=1):
            href = f"items/{question.id}.xml"
            hrefs.append((item_identifier(quiz.module_slug, question.id), href))
            # A fixed date: the same quiz gives the same bytes.
            package.writestr(zipfile.ZipInfo(href, (2020, 1, 1, 0, 0, 0)),
                             assessment_item(quiz.module_slug, number, question, fill), zipfile.ZIP_DEFLATED)
        package.writestr(zipfile.ZipInfo("imsmanifest.xml", (2020, 1, 1, 0, 0, 0)),
                         _manifest(quiz.module_slug, module_title, hrefs), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
