"""The XLSX question template: `template`, `parse` and `dump`.

One sheet, "Câu hỏi", holds one question per row under a header row; a second
sheet, "Hướng dẫn", explains it in Vietnamese. The columns, found by their header
in any order (Vietnamese or English name, with or without diacritics; unknown
columns such as "STT" are ignored):

| column | holds |
| --- | --- |
| Nhóm (category) | category path, levels separated by `/`; blank: the bank's top |
| Loại (type) | Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, Số, Ghép đôi, Tự luận |
|  | (or the API's names: single, multiple, true_false, ...) |
| Tiêu đề (title) | optional title |
| Câu hỏi (question) | the question text (required) |
| Điểm (points) | blank: 1 |
| Đáp án đúng (correct answer) | see below |
| A ... H | options (more letters, I, J, ..., may be added as columns) |
| Phản hồi chung (general feedback) | shown after the question |
| Phản hồi A ... H (feedback A ...) | shown to whoever picks that option |
| Định dạng (format) | plain (blank), html, markdown or moodle |
| Bỏ qua dấu (ignore diacritics) | Có/Không, short answers only; blank: the platform's default |
| Phân biệt chữ hoa (case sensitive) | the same |

"Đáp án đúng", by type:

- Một đáp án: the right letter, e.g. `B`; partial credit for others as `B, C=50%`;
- Nhiều đáp án: the right letters, e.g. `A, C`: they share +100% and the other
  options share -100%, so ticking everything earns nothing. Or every weight
  written out, e.g. `A=50%, C=50%, D=-100%` (unlisted options: 0);
- Đúng/Sai: `Đúng` or `Sai` (also True/False, T/F, Đ/S); the feedback for
  "Đúng" goes in "Phản hồi A", for "Sai" in "Phản hồi B";
- Trả lời ngắn, Số: the answer itself (`Hà Nội`; `3.14 ± 0.01`, `1..5`, `42`); or,
  for several, the answers in A, B, ... and their letters here as for a
  single-choice question (blank: all full marks). `*` is "any other answer";
- Ghép đôi: blank; each option cell is `item -> match` (`→` also works), and
  `-> match` alone is a distractor;
- Tự luận: blank.

Weights are percentages from -100 to 100; a comma works as decimal point when
there is no dot ("33,3"). The template's example rows (category "Ví dụ") are
questions like any other: an instructor deletes them or writes over them.
Errors name the row (`line`, the header being row 1), the column (`column`, as
headed in the file) and the problem.

`layout` holds what reading and writing share (sheets, columns, type labels),
`reading` holds `parse`, and `writing` holds `dump`, `template` and the
template's examples and instructions.
"""

from quizzes.formats.xlsx.layout import TYPE_LABELS
from quizzes.formats.xlsx.reading import parse
from quizzes.formats.xlsx.writing import dump, template

__all__ = ["TYPE_LABELS", "dump", "parse", "template"]
