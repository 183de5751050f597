"""Blueprint placeholder: filled in by its issue."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("metadata", __name__)
