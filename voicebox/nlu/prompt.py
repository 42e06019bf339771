"""The LLM prompt: a fixed prefix, the examples nearest to the utterance, then the utterance.

    <instructions>

    Input: <fixed example>
    Output: <its item line>
    …                                  ← the prefix: the same for every utterance (warm.py)
    Input: <nearest example>
    Output: <its item line>
    …                                  ← llm.shots examples most like the utterance
    Input: <utterance>
    Output:                            ← the grammar takes over here

The examples come from the profile (`[llm] examples`, items in contract form) and are checked
against its allow-list when the prompt is built, so a bad example stops with exit 2. Spoken
numbers are written as digits first ("twenty two" → 22, "十二号塔" → 12号塔) with the template
path's own number reader, so the model copies values instead of translating them.
"""
from __future__ import annotations

from dataclasses import dataclass

from voicebox.errors import ConfigError
from voicebox.nlu import grammar
from voicebox.nlu.itemschema import validate_item
from voicebox.nlu.shots import ExamplePool

DEFAULT_INSTRUCTIONS = "Write what each input asks for as an item line, or none."
MAX_INPUT_CHARS = 300


@dataclass(frozen=True)
class Prompt:
    prefix: str
    pool: ExamplePool

    def suffix(self, text: str, shots: int) -> str:
        """The per-utterance part: nearest examples, then the utterance and the output cue."""
        return "".join(example_block(t, line) for t, line in self.pool.nearest(text, shots)) \
            + utterance_block(text)


def build(profile, schema: dict) -> Prompt:
    """Instructions and the first `llm.prefix_examples` examples fixed; the rest is the pool."""
    settings = profile.llm
    rendered = [(ex.text, _render(profile, schema, i, ex)) for i, ex in enumerate(settings.examples)]
    fixed = rendered[:settings.prefix_examples]
    head = (settings.prompt or DEFAULT_INSTRUCTIONS).strip() + "\n\n"
    return Prompt(head + "".join(example_block(t, line) for t, line in fixed),
                  ExamplePool(rendered[settings.prefix_examples:]))


def _render(profile, schema: dict, index: int, example) -> str:
    items = []
    for raw in example.items:
        item = {"confidence": 1.0, **raw}
        if item.get("kind") == "query":
            item.setdefault("question", example.text)
        if validate_item(item, profile.vocabulary) is None:
            raise ConfigError(f"{profile.path}: llm.examples[{index}]: {dict(raw)!r} is outside "
                              "the profile's vocabulary or the item contract")
        items.append(item)
    return grammar.render(items, schema)


def utterance_block(text: str) -> str:
    """`Input: <text>` and the `Output:` cue the grammar continues from."""
    clean = with_digits(" ".join(text.split())[:MAX_INPUT_CHARS])
    return f"Input: {clean}\nOutput:"


def with_digits(text: str) -> str:
    """The text with spoken numbers as digits, in the normalised form the templates see."""
    from voicebox.nlu import text as nlu_text

    out = ""
    for token in nlu_text.tokenize(nlu_text.normalise(text)):
        word = token.text if token.num is None else number_text(token.num)
        glued = token.cjk or (out[-1:] and _is_cjk(out[-1])) or word in (",", "?")
        out += word if not out or glued else " " + word
    return out.replace("100分之", "百分之")  # the reader takes 百 of 百分之 (percent) for 100


def number_text(value: float) -> str:
    """26.0 → "26", 20.5 → "20.5": a number as digits in the prompt and in the check of values."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def example_block(text: str, line: str) -> str:
    return f"{utterance_block(text)} {line}\n"
