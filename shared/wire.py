"""The two kinds of model on the wire and the fields every request naming a person shares — defined once.

* ``Answer``: what the API sends (unknown fields ignored, so an older app survives a newer API).
* ``Request``: what an app sends (unknown fields refused, text stripped).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

IdNumber = Annotated[str, Field(min_length=1, max_length=40, description="18-character resident ID number")]
PersonName = Annotated[str, Field(min_length=1, max_length=100, description="name as on the ID card")]


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
