"""The named form controls of an HTMLQuestion page: what a browser would post from it."""

from __future__ import annotations

from html.parser import HTMLParser

from deployer.emulators.mturk.questions import RESERVED_FIELDS, Field

NOT_POSTED = frozenset({"submit", "button", "reset", "image", "file"})
TEXT_LIKE = frozenset({"text", "email", "url", "tel", "search", "password", "date", "time",
                       "datetime-local", "month", "week", "color", ""})


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, Field] = {}
        self.select: tuple[str, bool] | None = None  # (name, multiple) while inside <select>
        self.options: list[str] = []
        self.option: str | None = None  # the value of the <option> being read, "" for its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name", "")
        if tag == "input" and name:
            self._input(name, found.get("type", "text").lower(), found)
        elif tag == "textarea" and name:
            self._add(Field(name, "text", required="required" in found))
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in found), []
        elif tag == "option" and self.select is not None:
            self.option = found.get("value", "")
            if "value" in found:
                self.options.append(found["value"])
                self.option = None

    def handle_data(self, data: str) -> None:
        if self.option == "" and data.strip():
            self.options.append(data.strip())  # an <option> without value posts its text
            self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            name, multiple = self.select
            self._add(Field(name, "choices" if multiple else "choice", tuple(self.options),
                            high=len(self.options) if multiple else 1))
            self.select = None

    def _input(self, name: str, kind: str, attrs: dict[str, str]) -> None:
        required = "required" in attrs
        if kind in NOT_POSTED or name in RESERVED_FIELDS:
            return
        if kind == "hidden":
            self._add(Field(name, "fixed", value=attrs.get("value", "")))
        elif kind == "radio":
            earlier = self.fields.get(name)
            options = (earlier.options if earlier else ()) + (attrs.get("value", "on"),)
            self.fields[name] = Field(name, "choice", options, required=required or bool(
                earlier and earlier.required))
        elif kind == "checkbox":
            self._add(Field(name, "checkbox", value=attrs.get("value", "on"), required=required))
        elif kind in ("number", "range"):
            self._add(Field(name, "number", required=required, low=_int(attrs.get("min"), 0),
                            high=_int(attrs.get("max"), 10)))
        elif kind in TEXT_LIKE:
            self._add(Field(name, "text", required=required, value=attrs.get("value", "")))

    def _add(self, field: Field) -> None:
        if field.name not in RESERVED_FIELDS:
            self.fields.setdefault(field.name, field)  # two controls of one name: one value


def _int(text: str | None, default: int) -> int:
    try:
        return int(float(text or ""))
    except (ValueError, OverflowError):
        return default


def html_fields(content: str) -> tuple[Field, ...]:
    parser = _Controls()
    parser.feed(content)
    parser.close()
    return tuple(parser.fields.values())
