"""Input limits: a huge request gets a calm 413 before its body is read; the import's own limits hold."""

import base64
import io

import pytest
from sqlalchemy import func, select

from course.config import MAX_REQUEST_BYTES
from course.domain.pupil_import import MAX_ROWS, read_pupil_csv
from course.extensions import db
from course.models import Role, User
from course.teacher.pupils import MAX_UPLOAD_BYTES
from tests.conftest import csrf_from

HEADER = "First name,Last name,Year group,Class\n"


class BodyMustNotBeRead(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return 0

    def seek(self, *_args):
        return 0

    def readinto(self, _buffer):
        raise AssertionError("the body of an oversized request was read")


def _pupils(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.PUPIL))


def _huge_post(client, path: str, content_type: str = "application/x-www-form-urlencoded"):
    # 200 MB claimed, as in the probe; the stream explodes if read, so a 413 proves it was refused unread.
    response = client.post(path, input_stream=BodyMustNotBeRead(), content_type=content_type,
                           environ_overrides={"CONTENT_LENGTH": str(200 * 1024 * 1024)})
    return response


def test_a_huge_post_to_login_gets_a_calm_413_unread(client):
    response = _huge_post(client, "/login")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too large" in html and "Quick exit" in html and "Traceback" not in html


def test_a_huge_import_confirm_gets_413_unread_and_saves_nothing(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    response = _huge_post(client, "/teach/import/confirm")
    assert response.status_code == 413
    assert _pupils(demo) == before


def test_a_confirm_just_over_the_request_limit_gets_413(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    token = csrf_from(client, "/teach/import")
    padding = "A" * (MAX_REQUEST_BYTES + 1)
    response = client.post("/teach/import/confirm", data={"csrf_token": token, "csv_data": padding, "target": "0"})
    assert response.status_code == 413
    assert _pupils(demo) == before


def _rows(count: int) -> bytes:
    return (HEADER + "".join(f"Pupil{n},Test,8,8A PSHE\n" for n in range(count))).encode()


def _upload(client, data: bytes):
    return client.post("/teach/import", data={"csrf_token": csrf_from(client, "/teach/import"), "target": 0,
                                              "file": (io.BytesIO(data), "pupils.csv")},
                       content_type="multipart/form-data")


def test_a_file_over_2_mb_is_refused_with_a_message(demo, client, auth):
    auth.login_as("teacher")
    data = HEADER.encode() + b"x" * (MAX_UPLOAD_BYTES + 1 - len(HEADER))
    assert len(data) == MAX_UPLOAD_BYTES + 1 < MAX_REQUEST_BYTES
    response = _upload(client, data)
    assert response.status_code == 422
    assert "larger than 2 MB" in response.get_data(as_text=True)


def test_a_file_of_exactly_2_mb_reaches_the_preview(demo, client, auth):
    auth.login_as("teacher")
    data = _rows(10)
    data += b"\n" * (MAX_UPLOAD_BYTES - len(data))
    response = _upload(client, data)
    assert "larger than 2 MB" not in response.get_data(as_text=True)
    assert response.status_code == 200


def test_the_confirm_step_of_a_2_mb_file_fits_in_the_request_limit(demo, client, auth):
    # The confirm carries the file back base64-encoded: the largest file allowed must still fit.
    import re

    auth.login_as("teacher")
    data = _rows(10)
    data += b"\n" * (MAX_UPLOAD_BYTES - len(data))
    html = _upload(client, data).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csv_data|target|csrf_token)"[^>]*value="([^"]*)"', html))
    before = _pupils(demo)
    response = client.post("/teach/import/confirm", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _pupils(demo) == before + 10


def test_a_forged_confirm_larger_than_2_mb_decoded_saves_nothing(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    data = _rows(1) + b" " * MAX_UPLOAD_BYTES
    token = csrf_from(client, "/teach/import")
    response = client.post("/teach/import/confirm", data={
        "csrf_token": token, "csv_data": base64.urlsafe_b64encode(data).decode(), "target": "0"},
        follow_redirects=True)
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert _pupils(demo) == before


@pytest.mark.parametrize("count, refused", [(MAX_ROWS, False), (MAX_ROWS + 1, True)])
def test_the_row_cap(count, refused):
    preview = read_pupil_csv(_rows(count))
    messages = [str(problem) for problem in preview.problems]
    assert (f"Row {MAX_ROWS + 2}: More than {MAX_ROWS} pupils: split the file." in messages) is refused, messages
    assert len(preview.rows) == MAX_ROWS


def test_the_row_cap_through_the_upload(demo, client, auth):
    auth.login_as("teacher")
    before = _pupils(demo)
    response = _upload(client, _rows(MAX_ROWS + 1))
    assert response.status_code == 422
    assert f"More than {MAX_ROWS} pupils: split the file." in response.get_data(as_text=True)
    assert _pupils(demo) == before
