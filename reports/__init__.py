"""Reports as Rich renderables (terminal first), Markdown and HTML second."""

from .score_table import aggregate_table, category_table, score_report

__all__ = ["aggregate_table", "category_table", "score_report"]
