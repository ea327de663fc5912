"""The accessible form mixin shared by every domain's forms.

`Accessible` ties help texts and errors to their field (aria-describedby, aria-invalid), to be
rendered by the template `accounts/_field.html`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    _Form = forms.BaseForm  # what the mixin is mixed into, for type checkers
else:
    _Form = object


class Accessible(_Form):
    fields: dict[str, forms.Field]

    def _describe(self, errors: Any = None) -> None:
        for name, field in self.fields.items():
            ids = []
            auto_id = f"id_{self.add_prefix(name)}"
            if field.help_text:
                ids.append(f"{auto_id}_help")
            if errors and name in errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe(getattr(self, "_errors", None))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe()


def with_blank(choices: Any, blank: Any) -> list[tuple[str, Any]]:
    """Choices for a filter: an empty value first, labelled `blank` (« Tous », « Toutes »)."""
    return [("", blank), *choices]
