"""What a clause does: asks, tells, or says how things are.

Only commands move devices. A question ("how long can we still fly", "我们是不是该降落了")
may become a query but never a command; a statement ("the bedroom is freezing", "I turned off
the oven", "我刚才把空调关了", "we should probably land soon") describes the world and gives no
command either, though it may still report a defect ("I found a crack on tower 12") or
imply a wish the lexicon lists (`[implied]`: "it's too hot in here").

The signs are grammar roles of the lexicon:
- `question`, `question_start` (first in the clause), `question_end` (last): a question;
- `request` ("can you", "please", "帮我", "好吗") makes either a command again;
- `narrative` ("already", "yesterday", "刚才", "已经", "咋还"): a statement;
- `subject` ("I", "we", "he", "我们", "他") before the verb or a copula ("we're down to
  twenty percent"): a statement, unless a request
  ("I want", "we need to", "我要") or, in Chinese, a closing 吧 ("我们降落吧") makes it a wish;
- a past form after its subject or after anything else ("the drone landed", "my husband
  turned the heat off"): an order starts with its verb;
- a copula after what it describes ("the lights *are* on", "the bedroom *is* freezing"):
  the English question openers in the middle of a clause, with a subject before them and a
  verb after them.
"""
from __future__ import annotations

from voicebox.nlu.clauses import is_question
from voicebox.nlu.tagger import Tag

COMMAND, QUESTION, STATEMENT = "command", "question", "statement"
_SUBJECTS = ("device", "entity", "area", "attribute", "component", "topic")  # "the wind is pushing us left"


def of(tags: list[Tag]) -> str:
    """COMMAND, QUESTION or STATEMENT for one clause's tags."""
    if is_question(tags):
        return QUESTION
    if any(t.role == "request" for t in tags):
        return COMMAND
    if any(t.role == "narrative" for t in tags):
        return STATEMENT
    for k, t in enumerate(tags):
        if _verb(t) and past(t) and (k and _subject(tags[k - 1]) or not t.lead):
            return STATEMENT  # "the drone landed", "my husband turned the heat off"
        if _verb(t):  # the clause opens with what to do: "fly back to where we took off"
            return COMMAND
        if t.role == "question_start" and t.text in ("was", "were") and any(_verb(o) for o in tags[k + 1:]):
            return STATEMENT  # not a question (those are caught above): "that was a smooth landing"
        if t.role == "subject" and any(_verb(o) for o in _predicate(tags[k + 1:])) and not _closing_ba(tags):
            return STATEMENT
        if t.role == "subject" and k + 1 < len(tags) and tags[k + 1].text in _COPULAS:
            return STATEMENT  # "we're down to twenty percent", "I'm at tower 5"
        if t.role == "question_start" and not t.lead and any(_subject(o) for o in tags[:k]):
            # "the bedroom is freezing", "the lights are really nice"; but "tower 15 damper is
            # missing, take a photo" is a report
            after = next((o for o in tags[k + 1:] if o.role is None), None)
            if after is None or _verb(after):
                return STATEMENT
    return COMMAND


def _verb(t: Tag) -> bool:
    return "verb" in t.fields and not t.get("implied")


def _predicate(tags: list[Tag]) -> list[Tag]:
    """The subject's own words: up to a 了 that ends them ("我回家了, 把灯打开")."""
    end = next((k for k, t in enumerate(tags) if t.text == "了" and k + 1 < len(tags)), len(tags))
    return tags[:end]


def past(t: Tag) -> bool:
    """An English past form: "landed", "turned off" (the stemmer folds them into the verb)."""
    first = t.text.split(" ")[0]
    return first.isascii() and (first.endswith("ed") or first in _IRREGULAR_PAST)


_COPULAS = ("is", "are", "am", "was", "were")

# not put/set/shut/cut: "AC set to 22" is a terse command
_IRREGULAR_PAST = {"took", "flew", "went", "came", "got", "began", "froze", "rose", "fell"}


def _subject(t: Tag) -> bool:
    return any(k in t.fields for k in _SUBJECTS) or t.role in ("pronoun", "subject")


def _closing_ba(tags: list[Tag]) -> bool:
    """"我们降落吧": a first person with a closing 吧 proposes, it does not narrate."""
    return bool(tags) and tags[-1].text.endswith("吧")
