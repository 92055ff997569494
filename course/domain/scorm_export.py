"""A module as a SCORM 1.2 package for the school's LMS: the manifest and the zip around the rendered pages.

One SCO (index.html) holds the lesson pages and the quiz; the quiz reports its score and passed or failed
through the LMS's SCORM API, and nothing else. The pages are rendered by the caller (course/teacher/library.py).
"""

import io
import zipfile
from xml.etree import ElementTree as ET

CP_NS = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_NS = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (f"{CP_NS} imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   f"{ADLCP_NS} adlcp_rootv1p2.xsd")
LAUNCH = "index.html"


def manifest(slug: str, title: str, mastery_score: int | None, files: list[str]) -> bytes:
    root = ET.Element("manifest", {"identifier": f"harbour-{slug}", "version": "1.0", "xmlns": CP_NS,
                                   "xmlns:adlcp": ADLCP_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": SCHEMA_LOCATION})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "ADL SCORM"
    ET.SubElement(metadata, "schemaversion").text = "1.2"
    organizations = ET.SubElement(root, "organizations", {"default": "harbour"})
    organization = ET.SubElement(organizations, "organization", {"identifier": "harbour"})
    ET.SubElement(organization, "title").text = title
    item = ET.SubElement(organization, "item", {"identifier": "lesson", "identifierref": "sco", "isvisible": "true"})
    ET.SubElement(item, "title").text = title
    if mastery_score is not None:
        ET.SubElement(item, "adlcp:masteryscore").text = str(mastery_score)
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", {"identifier": "sco", "type": "webcontent",
                                                     "adlcp:scormtype": "sco", "href": LAUNCH})
    for name in files:
        ET.SubElement(resource, "file", {"href": name})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def scorm_package(slug: str, title: str, mastery_score: int | None, files: dict[str, bytes]) -> bytes:
    """The zip: imsmanifest.xml at the root, then every file, with a fixed date so the same module gives the same bytes."""
    if LAUNCH not in files:
        raise ValueError(f"a SCORM package needs its launch page, {LAUNCH}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        entries = {"imsmanifest.xml": manifest(slug, title, mastery_score, sorted(files)), **files}
        for name, content in entries.items():
            package.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
