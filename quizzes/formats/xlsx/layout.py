"""What reading and writing the template share: its sheets, columns and type labels,
and how right and wrong options share their weights."""

from dataclasses import dataclass
from decimal import Decimal

SHEET = "Câu hỏi"
INSTRUCTIONS_SHEET = "Hướng dẫn"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEFAULT_OPTIONS = 8

TYPE_LABELS = {
    "single": "Một đáp án",
    "multiple": "Nhiều đáp án",
    "true_false": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "numerical": "Số",
    "matching": "Ghép đôi",
    "essay": "Tự luận",
}
YES, NO = "Có", "Không"


@dataclass(frozen=True)
class Column:
    key: str
    vietnamese: str
    english: str
    width: int
    note: str

    @property
    def header(self) -> str:
        return f"{self.vietnamese} ({self.english})" if self.english else self.vietnamese


HEAD_COLUMNS = (
    Column("category", "Nhóm", "category", 22, "Nhóm câu hỏi, các cấp cách nhau bởi /, ví dụ: Luật/Chương 1."),
    Column("type", "Loại", "type", 16, "Chọn trong danh sách: Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, "
                                       "Số, Ghép đôi, Tự luận."),
    Column("title", "Tiêu đề", "title", 20, "Không bắt buộc: tên ngắn để tìm câu hỏi."),
    Column("text", "Câu hỏi", "question", 50, "Nội dung câu hỏi (bắt buộc)."),
    Column("points", "Điểm", "points", 8, "Để trống: 1 điểm."),
    Column("correct", "Đáp án đúng", "correct answer", 20, "Một đáp án: B. Nhiều đáp án: A, C. Đúng/Sai: Đúng "
                                                           "hoặc Sai. Trả lời ngắn/Số: chính đáp án. Ghép đôi, "
                                                           "Tự luận: để trống."),
)
TAIL_COLUMNS = (
    Column("general_feedback", "Phản hồi chung", "general feedback", 30, "Hiện cho người học sau khi làm bài."),
)
SETTING_COLUMNS = (
    Column("text_format", "Định dạng", "format", 12, "Để trống: văn bản thường. Hoặc html, markdown."),
    Column("ignore_diacritics", "Bỏ qua dấu", "ignore diacritics", 14, "Trả lời ngắn: Có để chấp nhận câu trả "
                                                                        "lời viết không dấu."),
    Column("case_sensitive", "Phân biệt chữ hoa", "case sensitive", 14, "Trả lời ngắn: Có để phân biệt chữ hoa, "
                                                                         "chữ thường."),
)
PERCENT = Decimal(100)


def shared_fractions(right: list[str], letters: list[str]) -> dict[str, Decimal]:
    """Right options share +100%, the others -100%, to 7 places, adding up exactly."""
    wrong = [letter for letter in letters if letter not in right]
    return dict(zip(right, _shares(len(right), 1))) | dict(zip(wrong, _shares(len(wrong), -1)))


def _shares(count: int, total: int) -> list[Decimal]:
    if not count:
        return []
    part = (Decimal(total) / count).quantize(Decimal("0.0000001"))
    return [part.normalize()] * (count - 1) + [(total - part * (count - 1)).normalize()]

