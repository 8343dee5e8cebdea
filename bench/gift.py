"""How fast a GIFT bank is read, against only splitting the same text into lines.

    .venv/bin/python bench/gift.py [--questions 2000] [--repeat 7]

The bank mixes every question type, in Vietnamese, with titles, feedback,
escapes and a category change every 50 questions. Figures are the best of the
repeats, so they show the parser and not the machine's other work.
"""

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzes.formats import ParsedAnswer, ParsedQuestion, gift  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    text = gift.dump([question(number) for number in range(options.questions)])
    data = text.encode()
    parsed = gift.parse_bytes(data)
    assert len(parsed) == options.questions

    baseline = best(lambda: data.decode().splitlines(), options.repeat)
    parsing = best(lambda: gift.parse_bytes(data), options.repeat)
    writing = best(lambda: gift.dump(parsed), options.repeat)
    print(f"{options.questions} questions, {len(text.splitlines())} lines, {len(data) / 1024:.0f} KiB")
    print(f"parse_bytes: {parsing * 1000:8.1f} ms  ({parsing / options.questions * 1e6:.1f} µs per question)")
    print(f"dump:        {writing * 1000:8.1f} ms")
    print(f"baseline:    {baseline * 1000:8.1f} ms  (decode and str.splitlines)")
    print(f"parse_bytes / baseline: {parsing / baseline:.0f}×")


def best(work, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def question(number: int) -> ParsedQuestion:
    kind = ("single", "multiple", "true_false", "short_answer", "numerical", "matching", "essay")[number % 7]
    return ParsedQuestion(type=kind, text=f"Câu {number}: theo Luật Cán bộ, công chức {{điều {number % 90}}}, "
                                         "thủ tục = gì # và ai ~ chịu trách nhiệm?",
                          title=f"Câu hỏi số {number}", category=f"Luật/Chương {number // 50}",
                          general_feedback="Xem Điều 4: công chức là công dân Việt Nam.", answers=answers(kind))


def answers(kind: str) -> list[ParsedAnswer]:
    if kind in ("single", "multiple"):
        weights = ("1", "0", "0", "0") if kind == "single" else ("0.5", "0.5", "-0.5", "-0.5")
        return [ParsedAnswer(f"Phương án {letter}: Ủy ban nhân dân cấp {letter}", Decimal(weight), "Xem lại Điều 4.")
                for letter, weight in zip("ABCD", weights)]
    if kind == "true_false":
        return [ParsedAnswer("true", Decimal(1), "Chính xác."), ParsedAnswer("false", Decimal(0), "Chưa đúng.")]
    if kind == "short_answer":
        return [ParsedAnswer("UBND", Decimal(1)), ParsedAnswer("Ủy ban nhân dân", Decimal("0.5"), "Viết tắt.")]
    if kind == "numerical":
        return [ParsedAnswer(value=Decimal("3.14"), tolerance=Decimal("0.01"), fraction=Decimal(1)),
                ParsedAnswer(minimum=Decimal(3), maximum=Decimal(4), fraction=Decimal("0.5")),
                ParsedAnswer(text="*", feedback="Sai.")]
    if kind == "matching":
        return [ParsedAnswer("Quốc hội", match_text="Lập pháp"), ParsedAnswer("Chính phủ", match_text="Hành pháp"),
                ParsedAnswer("Tòa án", match_text="Tư pháp"), ParsedAnswer("", match_text="Ngoại giao")]
    return []


if __name__ == "__main__":
    main()
