"""Moodle's GIFT format: `parse`, `parse_bytes` and `dump`.

Reading follows Moodle's own importer (question/format/gift/format.php):

- questions are separated by blank lines; lines starting with `//` are comments
  (dropped even inside a question, where Moodle left a blank line);
- `$CATEGORY: a/b` sets the category of the questions that follow; a question
  may start on the next line. Moodle's context prefix (`$course$/`, `$system$/`,
  ... and the `top/` after it) is dropped, so a bank exported from Moodle keeps
  its own category names;
- `::title::` opens a question; `[html]`, `[markdown]`, `[moodle]` or `[plain]`
  before the text sets `text_format`. Without one, Moodle's default ("moodle",
  plain text that may hold HTML) is read as "plain"; an explicit `[moodle]`
  stays "moodle";
- the answers are one `{...}` block anywhere in the text. When text follows the
  block, the block becomes `_____` (a missing word), as in Moodle;
- escapes: `\\~ \\= \\# \\{ \\} \\: \\\\`, and `\\n` for a new line. Any other backslash
  is kept as written;
- types as in Moodle: `{}` essay; `{#...}` numerical; any `~` choice (single when
  an answer starts with `=`, else multiple, so only `~%n%` weights make multiple);
  `=item -> match` matching; `{T}`, `{TRUE}`, `{F}`, `{FALSE}` true/false; only
  `=` answers (or one bare answer, as in `{4}`) short answer. In a choice, `=`
  is always 100%; `=%n%` weights belong to short and numerical answers;
- `#feedback` after an answer; in true/false the first is shown to whoever
  answers wrongly and the second to whoever answers rightly; `####` starts the
  general feedback;
- every question is worth 1 point (GIFT carries no marks); text is read as
  composed Unicode (NFC), so decomposed Vietnamese from macOS reads the same;
- a comment `// [options] ignore_diacritics case_sensitive=false` before a
  question sets its `options` (a bare name is true). This is our own addition,
  which GIFT has no place for: Moodle reads it as a comment and ignores it, and
  `dump` writes it so that a short answer's scoring survives a round trip.

Where this reader is stricter than Moodle it reports an error instead of
importing something unintended: text before the first `=`/`~` of a block, a
second answer block, an unclosed `::title`, a question with no `{}` (Moodle's
"description", which has no type here), a weight outside -100..100, a negative
weight outside a multiple-answer question, a question with no right answer, a
numerical answer that is not a number, a matching question with fewer than two
pairs. Format prefixes on answers and feedback are accepted and dropped: an
answer has no format of its own here.

The answers, by type (see `ParsedAnswer`):

- true_false: "true" then "false"; each carries the feedback shown to whoever
  picks it, so `{T#wrong#right}` gives "true" the feedback "right";
- short_answer: `*` is Moodle's "any other answer", kept as the text "*";
- numerical: `{#1..5}` is `minimum`..`maximum`; `{#3.14:0.01}` is `value` and
  `tolerance` (0 when none is given); the catch-all `~#feedback` (or `=%0%*`) is
  an answer with `text` "*" and no value;
- matching: `= -> Chat` (an option without an item) is a distractor, an answer
  with empty `text`.

GIFT cannot write a `->` inside an answer, a feedback or a matching item (it
would read as a pair), so `dump` writes it `-\\>`, which `parse` reads back as
`->`; Moodle would show the backslash. `dump` writes Moodle's layout otherwise.
"""

import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.uploads import control_character_errors
from quizzes.formats import FormatError, ParsedAnswer, ParsedQuestion, TextLimits

# While a question's structure is read, each escaped character stands as a Unicode
# noncharacter (reserved for exactly such internal use), as Moodle does with "&&035;".
_MASKS = {"\\": "\ufdd0", "~": "\ufdd1", "=": "\ufdd2", "#": "\ufdd3", "{": "\ufdd4", "}": "\ufdd5", ":": "\ufdd6",
          "n": "\ufdd7"}
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_UNMASKS = [(mask, "\n" if char == "n" else char) for char, mask in _MASKS.items()]
_NONCHARACTERS = re.compile("[\ufdd0-\ufdd7]")
# The backslash first, so that the backslashes of the other escapes stay single.
_ESCAPES = [("\\", "\\\\"), *((char, "\\" + char) for char in "~=#{}:"), ("\n", "\\n")]

_CATEGORY = "$CATEGORY:"
_MOODLE_CONTEXT = re.compile(r"^\$(?:course|system|module|coursecategory|cat)\$(?:/top(?=/|$))?/?")
_FORMAT = re.compile(r"\[(html|moodle|plain|markdown)\]")
_OPTIONS = re.compile(r"//\s*\[options\](.*)", re.IGNORECASE)
_OPTION_NAMES = ("ignore_diacritics", "case_sensitive")
_OPTION_VALUES = {"": True, "=true": True, "=false": False}
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_NOT_SPACE = re.compile(r"\S")
# The line break before a blank line, or before the end; possessive, so that a run of spaces is scanned once.
_BLANK_LINE = re.compile(r"\n[^\S\n]*+(?=\n|\Z)")
BLANK = "_____"


class _Invalid(Exception):
    """What is wrong with one question; `messages` lists every problem found."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


# Reading


def parse_bytes(data: bytes) -> list[ParsedQuestion]:
    return parse(decode(data))


def decode(data: bytes) -> str:
    """A text file's bytes as text: UTF-8 (with or without BOM), or UTF-16 with its BOM.

    A line holding a control character other than a tab or a line break (a NUL,
    which the database refuses, or one that an XLSX export could not write) is
    an error.
    """
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        raise FormatError([{"line": line, "message": _(
            "This file is not in UTF-8, the encoding for Vietnamese text: open it in a text editor, "
            "choose Save As, pick the UTF-8 encoding and upload it again.")}]) from None
    if errors := control_character_errors(text):
        raise FormatError(errors)
    return text


def parse(text: str) -> list[ParsedQuestion]:
    """Every question of a GIFT text; raises `FormatError` listing every bad question, within `TextLimits`."""
    questions, errors, limits = [], [], TextLimits()
    text = _clean(text)
    limits.check_lines(text)
    category, options = "", {}
    for block in _blocks(text, limits):
        block, found = _split_options(block, errors)
        options.update(found)
        if block and block[0][1].lstrip().startswith(_CATEGORY):
            category = _category(block[0][1])
            block = block[1:]
        if not block:
            limits.check_errors(errors)
            continue  # options written here belong to the next question
        line, question_options, options = block[0][0], options, {}
        limits.question_starts(line)
        try:
            question = _question("\n".join(content for _number, content in block))
        except _Invalid as invalid:
            errors.extend({"line": line, "message": message} for message in invalid.messages)
            limits.check_errors(errors)
            continue
        question.line, question.category, question.options = line, category, question_options
        limits.question_read(question)
        questions.append(question)
    if errors:
        raise FormatError(errors)
    return questions


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    return _NONCHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _blocks(text: str, limits: TextLimits):
    """Each question's lines as (line number, line), without comments; blank lines separate questions.

    A block is found, and its length checked, before it is cut into lines: blank
    lines cost no step of Python each, and a block too long to be a question
    is refused before it is held as lines.
    """
    position, number = 0, 1
    while found := _NOT_SPACE.search(text, position):
        start = text.rfind("\n", position, found.start()) + 1
        number += text.count("\n", position, start)
        blank = _BLANK_LINE.search(text, found.end())
        end = blank.start() if blank else len(text)
        limits.check_length(number, end - start)
        lines = text[start:end].split("\n")
        if block := [(line_number, line.rstrip()) for line_number, line in enumerate(lines, number)
                     if not _is_comment(line)]:
            yield block
        number += len(lines) - 1
        position = end


def _is_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("//") and not _OPTIONS.match(stripped)


def _split_options(block: list, errors: list) -> tuple[list, dict]:
    """The block without its `// [options]` lines, and the options they set."""
    options, rest = {}, []
    for number, line in block:
        match = _OPTIONS.match(line.strip())
        if not match:
            rest.append((number, line))
            continue
        for word in match.group(1).replace(",", " ").split():
            name, _equals, value = word.partition("=")
            setting = _OPTION_VALUES.get(_equals + value.lower())
            if name in _OPTION_NAMES and setting is not None:
                options[name] = setting
            else:
                errors.append({"line": number, "message": _(
                    "“%(word)s” is not an option: write ignore_diacritics or case_sensitive, "
                    "followed by =false to turn it off.") % {"word": word}})
    return rest, options


def _category(line: str) -> str:
    path = line.strip()[len(_CATEGORY):].strip()
    return _MOODLE_CONTEXT.sub("", path)


def _question(source: str) -> ParsedQuestion:
    raw = (_ESCAPE.sub(lambda match: _MASKS[match.group(1)], source) if "\\" in source else source).strip()
    title, raw = _title(raw)
    text_raw, answers_raw = _split_block(raw)
    answers_raw, general_feedback = _split_general_feedback(answers_raw)
    text_format, text_raw = _split_format(text_raw.strip())
    text = _unmask(text_raw)
    problems = [] if text else [_("The question has no text.")]
    try:
        kind, answers = _answers(answers_raw)
    except _Invalid as invalid:
        raise _Invalid(*problems, *invalid.messages) from None
    if problems:
        raise _Invalid(*problems)
    return ParsedQuestion(type=kind, text=text, title=title, text_format=text_format or "plain",
                          general_feedback=_unmask_part(general_feedback), answers=answers)


def _title(raw: str) -> tuple[str, str]:
    if not raw.startswith("::"):
        return "", raw
    end = raw.find("::", 2)
    if end < 0:
        raise _Invalid(_("The title is not closed: write it between two pairs of colons, as in ::Title::."))
    return _unmask(raw[2:end]), raw[end + 2:].strip()


def _split_block(raw: str) -> tuple[str, str]:
    """The question text (with `_____` where the block stood, unless it ended the text) and the block's inside."""
    start = raw.find("{")
    if "}" in (raw[:start] if start >= 0 else raw):
        raise _Invalid(_("This question has a } without a { before it; write a literal brace as \\}."))
    if start < 0:
        raise _Invalid(_("This question has no answers between { and }; an essay question ends with {}."))
    end = raw.find("}", start)
    if end < 0:
        raise _Invalid(_("The answers are not closed: a { has no } after it. A blank line ends a question, "
                         "so remove any blank line between { and }."))
    if "{" in raw[start + 1:end] or "{" in raw[end + 1:] or "}" in raw[end + 1:]:
        raise _Invalid(_("A question has one answer block between { and }; write a literal brace as \\{ or \\}."))
    after = raw[end + 1:]
    text = raw[:start] + (BLANK + after if after else "")
    return text, raw[start + 1:end].strip()


def _split_general_feedback(answers_raw: str) -> tuple[str, str]:
    at = answers_raw.rfind("####")
    if at < 0:
        return answers_raw, ""
    return answers_raw[:at].strip(), answers_raw[at + 4:]


def _split_format(raw: str) -> tuple[str | None, str]:
    match = _FORMAT.match(raw)
    return (match.group(1), raw[match.end():]) if match else (None, raw)


def _unmask(raw: str) -> str:
    if _NONCHARACTERS.search(raw):
        for mask, char in _UNMASKS:
            raw = raw.replace(mask, char)
    return raw.strip()


def _unmask_part(raw: str) -> str:
    """An answer, an item or a feedback: without its format prefix, `-\\>` read as `->`."""
    return _unmask(_split_format(raw.strip())[1].replace("-\\>", "->"))


def _answers(raw: str) -> tuple[str, list[ParsedAnswer]]:
    if not raw:
        return "essay", []
    if raw.startswith("#"):
        return "numerical", _numerical(raw[1:])
    if "~" in raw:
        return _choice(raw)
    if "=" in raw and "->" in raw:
        return "matching", _matching(raw)
    head = raw.split("#", 1)[0].strip()
    if head in _TRUE_FALSE:
        return "true_false", _true_false(raw)
    return "short_answer", _short_answer(raw)


def _marked(raw: str, markers: str) -> list[tuple[str, str]]:
    """The answers of a block as (marker, body); text before the first marker is an error."""
    pieces = re.split(f"([{markers}])", raw)
    if pieces[0].strip() and markers == "=~":
        raise _Invalid(_("There is text before the first answer: start every answer with = or ~."))
    if pieces[0].strip():
        raise _Invalid(_("There is text before the first answer: start every answer with =."))
    return [(pieces[i], pieces[i + 1].strip()) for i in range(1, len(pieces), 2)]


def _choice(raw: str) -> tuple[str, list[ParsedAnswer]]:
    marked = _marked(raw, "=~")
    single = any(marker == "=" for marker, _body in marked)
    problems, answers = [], []
    for number, (marker, body) in enumerate(marked, 1):
        fraction, body = (Decimal(1), body) if marker == "=" else _weight(body, number, Decimal(0), problems)
        answer, feedback = _answer_and_feedback(body)
        if not answer:
            problems.append(_("Answer %(number)d is empty.") % {"number": number})
        if single and fraction < 0:
            problems.append(_negative_weight(number))
        answers.append(ParsedAnswer(text=answer, fraction=fraction, feedback=feedback))
    if len(answers) < 2:
        problems.append(_("A multiple-choice question needs at least two answers."))
    _require_right_answer(answers, problems)
    if problems:
        raise _Invalid(*problems)
    return ("single" if single else "multiple"), answers


def _true_false(raw: str) -> list[ParsedAnswer]:
    head, *feedback = (_unmask_part(part) for part in raw.split("#", 2))
    wrong, right = (feedback + ["", ""])[:2]
    is_true = _TRUE_FALSE[head]
    return [
        ParsedAnswer(text="true", fraction=Decimal(is_true), feedback=right if is_true else wrong),
        ParsedAnswer(text="false", fraction=Decimal(not is_true), feedback=wrong if is_true else right),
    ]


def _short_answer(raw: str) -> list[ParsedAnswer]:
    marked = _marked(raw, "=") if "=" in raw else [("=", raw)]
    problems, answers = [], []
    for number, (_marker, body) in enumerate(marked, 1):
        fraction, body = _weight(body, number, Decimal(1), problems)
        answer, feedback = _answer_and_feedback(body)
        if not answer:
            problems.append(_("Answer %(number)d is empty.") % {"number": number})
        if fraction < 0:
            problems.append(_negative_weight(number))
        answers.append(ParsedAnswer(text=answer, fraction=fraction, feedback=feedback))
    _require_right_answer(answers, problems)
    if problems:
        raise _Invalid(*problems)
    return answers


def _numerical(raw: str) -> list[ParsedAnswer]:
    raw, tilde, wrong = raw.partition("~")
    pieces = raw.split("=")
    if not pieces[0].strip():
        pieces = pieces[1:]
    problems, answers = [], []
    for number, piece in enumerate(pieces, 1):
        fraction, body = _weight(piece.strip(), number, Decimal(1), problems)
        spec, _hash, feedback = body.partition("#")
        answer = _numerical_answer(spec.strip(), number, problems)
        answer.fraction, answer.feedback = fraction, _unmask_part(feedback)
        if fraction < 0:
            problems.append(_negative_weight(number))
        answers.append(answer)
    if not answers:
        problems.append(_("A numerical question needs at least one answer after the #."))
    _require_right_answer(answers, problems)
    if tilde:
        feedback = wrong.partition("#")[2]
        answers.append(ParsedAnswer(text="*", feedback=_unmask_part(feedback)))
    if problems:
        raise _Invalid(*problems)
    return answers


def _numerical_answer(spec: str, number: int, problems: list) -> ParsedAnswer:
    if spec == "*":
        return ParsedAnswer(text="*")
    if spec.find("..") > 0:
        low, high = (_number(part, number, problems) for part in spec.split("..", 1))
        if low is not None and high is not None and low > high:
            problems.append(_("Answer %(number)d: the range starts above where it ends.") % {"number": number})
        return ParsedAnswer(minimum=low, maximum=high)
    value, _colon, tolerance = spec.partition(":") if spec.find(":") > 0 else (spec, "", "0")
    answer = ParsedAnswer(value=_number(value, number, problems), tolerance=_number(tolerance, number, problems))
    if answer.tolerance is not None and answer.tolerance < 0:
        problems.append(_("Answer %(number)d: the tolerance cannot be negative.") % {"number": number})
    return answer


def _number(raw: str, number: int, problems: list) -> Decimal | None:
    raw = raw.strip()
    if _NUMBER.fullmatch(raw):
        return Decimal(raw)
    problems.append(_("Answer %(number)d: “%(value)s” is not a number (write decimals with a point, as in 3.14).")
                    % {"number": number, "value": _unmask(raw)})
    return None


def _matching(raw: str) -> list[ParsedAnswer]:
    problems, answers = [], []
    for number, (_marker, body) in enumerate(_marked(raw, "="), 1):
        item, arrow, option = body.partition("->")
        if not arrow:
            problems.append(_("Pair %(number)d has no “->” between the item and its match.") % {"number": number})
            continue
        option = _unmask(option)
        if not option:
            problems.append(_("Pair %(number)d has nothing after its “->”.") % {"number": number})
        item = _unmask_part(item)
        answers.append(ParsedAnswer(text=item, match_text=option))
    if sum(1 for answer in answers if answer.text) < 2:
        problems.append(_("A matching question needs at least two pairs of an item and its match."))
    if problems:
        raise _Invalid(*problems)
    return answers


def _weight(body: str, number: int, default: Decimal, problems: list) -> tuple[Decimal, str]:
    match = _WEIGHT.match(body)
    if not match:
        return default, body
    weight = Decimal(match.group(1))
    if not -100 <= weight <= 100:
        problems.append(_("Answer %(number)d has the weight %(weight)s%%, outside -100%% to 100%%.")
                        % {"number": number, "weight": match.group(1)})
    return weight.scaleb(-2), body[match.end():]


def _answer_and_feedback(body: str) -> tuple[str, str]:
    answer, _hash, feedback = body.partition("#")
    return _unmask_part(answer), _unmask_part(feedback)


def _negative_weight(number: int) -> str:
    return _("Answer %(number)d has a negative weight, which only a question with several right answers "
             "(all weighted with ~%%n%%) may have.") % {"number": number}


def _require_right_answer(answers: list[ParsedAnswer], problems: list) -> None:
    if answers and not any(answer.fraction > 0 for answer in answers):
        problems.append(_("This question has no right answer: mark it with =, or weight the right answers "
                          "as in %(example)s.") % {"example": "~%50%"})


# Writing


def dump(questions: list[ParsedQuestion]) -> str:
    """GIFT that `parse` reads back to the same questions (points aside: GIFT has none)."""
    parts, category = [], ""
    for question in questions:
        if question.category != category:
            category = question.category
            parts.append(f"{_CATEGORY} {_one_line(category)}\n\n")
        parts.append(_options_comment(question.options) + _write_question(question) + "\n\n")
    return "".join(parts)


def _options_comment(options: dict) -> str:
    if not options or not isinstance(options, dict):
        return ""
    names = sorted(options, key=lambda name: (_OPTION_NAMES.index(name) if name in _OPTION_NAMES else 99, name))
    words = [name if options[name] is True else f"{name}={str(options[name]).lower()}" for name in names]
    return "// [options] " + " ".join(words) + "\n"


def _write_question(question: ParsedQuestion) -> str:
    title = f"::{_escape(question.title)}::" if question.title.strip() else ""
    text = _escape(question.text)
    prefix = _format_prefix(question.text_format, text, starts_line=not title)
    block = _BLOCK_WRITERS[question.type](question)
    blank = text.find(BLANK)
    if blank >= 0 and text[blank + len(BLANK):].strip():
        return title + prefix + text[:blank] + block + text[blank + len(BLANK):]
    return title + prefix + text + block


def _format_prefix(text_format: str, escaped_text: str, starts_line: bool) -> str:
    if text_format and text_format != "plain":
        return f"[{text_format}]"
    if _FORMAT.match(escaped_text) or (starts_line and escaped_text.startswith("//")):
        return "[plain]"
    return ""


def _escape(text: str) -> str:
    text = unicodedata.normalize("NFC", text.strip()).replace("\r\n", "\n").replace("\r", "\n")
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return text


def _escape_part(text: str, arrows: bool = False) -> str:
    """An answer or a feedback: escaped, kept from reading as a format prefix and, with `arrows`, as a pair."""
    escaped = _escape(text)
    if arrows:
        escaped = escaped.replace("->", "-\\>")
    return "[plain]" + escaped if _FORMAT.match(escaped) else escaped


def _one_line(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r", " ").replace("\n", " ").strip()


def _percent(fraction: Decimal) -> str:
    return f"%{_decimal(fraction * 100)}%"


def _decimal(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _feedback(answer: ParsedAnswer, arrows: bool = False) -> str:
    return "#" + _escape_part(answer.feedback, arrows) if answer.feedback.strip() else ""


def _lines_block(lines: list[str], question: ParsedQuestion, opening: str = "{") -> str:
    body = "".join(f"\t{line}\n" for line in lines)
    if question.general_feedback.strip():
        body += f"\t####{_escape_part(question.general_feedback)}\n"
    return f"{opening}\n{body}}}"


def _general_feedback_inline(question: ParsedQuestion) -> str:
    return "####" + _escape_part(question.general_feedback) if question.general_feedback.strip() else ""


def _write_choice(question: ParsedQuestion) -> str:
    single = question.type == "single"
    any_wrong = any(answer.fraction != 1 for answer in question.answers)
    lines, marked_right = [], False
    for answer in question.answers:
        text = _escape_part(answer.text)
        if single and answer.fraction == 1 and (any_wrong or not marked_right):
            marker, marked_right = "=", True
        elif answer.fraction == 0 and not _WEIGHT.match(text):
            marker = "~"
        else:
            marker = "~" + _percent(answer.fraction)
        lines.append(marker + text + _feedback(answer))
    return _lines_block(lines, question)


def _write_true_false(question: ParsedQuestion) -> str:
    by_text = {answer.text: answer for answer in question.answers}
    true, false = by_text.get("true", ParsedAnswer()), by_text.get("false", ParsedAnswer())
    right, wrong = (true, false) if true.fraction > 0 else (false, true)
    block = "TRUE" if right is true else "FALSE"
    if wrong.feedback.strip() or right.feedback.strip():
        block += "#" + _escape_part(wrong.feedback) if wrong.feedback.strip() else "#"
    if right.feedback.strip():
        block += "#" + _escape_part(right.feedback)
    return "{" + block + _general_feedback_inline(question) + "}"


def _write_short_answer(question: ParsedQuestion) -> str:
    lines = []
    for answer in question.answers:
        # Unescaped, a "->" would make the question read as matching.
        text = _escape_part(answer.text, arrows=True)
        weight = "" if answer.fraction == 1 and not _WEIGHT.match(text) else _percent(answer.fraction)
        lines.append("=" + weight + text + _feedback(answer, arrows=True))
    return _lines_block(lines, question)


def _write_numerical(question: ParsedQuestion) -> str:
    lines = []
    for number, answer in enumerate(question.answers, 1):
        spec = _numerical_spec(answer)
        if spec == "*" and answer.fraction == 0 and number == len(question.answers):
            lines.append("~" + _feedback(answer))  # Moodle's own way to write "any other answer"
            continue
        weight = "" if answer.fraction == 1 else _percent(answer.fraction)
        lines.append("=" + weight + spec + _feedback(answer))
    return _lines_block(lines, question, opening="{#")


def _numerical_spec(answer: ParsedAnswer) -> str:
    if answer.value is not None:
        if answer.tolerance:
            return f"{_decimal(answer.value)}:{_decimal(answer.tolerance)}"
        return _decimal(answer.value)
    if answer.minimum is not None and answer.maximum is not None:
        return f"{_decimal(answer.minimum)}..{_decimal(answer.maximum)}"
    return "*"


def _write_matching(question: ParsedQuestion) -> str:
    lines = []
    for answer in question.answers:
        item = _escape_part(answer.text, arrows=True)
        lines.append(f"={item} -> {_escape(answer.match_text)}" if item else f"= -> {_escape(answer.match_text)}")
    return _lines_block(lines, question)


def _write_essay(question: ParsedQuestion) -> str:
    return "{" + _general_feedback_inline(question) + "}"


_BLOCK_WRITERS = {
    "single": _write_choice,
    "multiple": _write_choice,
    "true_false": _write_true_false,
    "short_answer": _write_short_answer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
}
