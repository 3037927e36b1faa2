"""BFCL v4 test categories: one enum, no substring matching.

Sizes, groups and the aggregation weights are those of bfcl-eval 2026.3.23
(``bfcl_eval/constants/category_mapping.py`` and ``eval_checker/eval_runner_helper.py``).
"""

from __future__ import annotations

import enum


class Language(str, enum.Enum):
    PYTHON = "python"
    JAVA = "java"
    JAVASCRIPT = "javascript"


class ScoreGroup(str, enum.Enum):
    """The columns of the leaderboard that a category contributes to."""

    NON_LIVE = "Non-Live"
    LIVE = "Live"
    IRRELEVANCE = "Irrelevance"
    RELEVANCE = "Relevance"  # shown on the board, not part of Overall
    MULTI_TURN = "Multi-Turn"
    AGENTIC = "Agentic"


class Checker(str, enum.Enum):
    """Which official checker judges a category."""

    SIMPLE = "simple"  # exactly one call
    MULTIPLE = "multiple"  # exactly one call, chosen among several functions
    PARALLEL = "parallel"  # several calls, order-insensitive
    IRRELEVANCE = "irrelevance"  # passes when nothing is called
    RELEVANCE = "relevance"  # passes on any non-empty call
    MULTI_TURN = "multi_turn"
    AGENTIC = "agentic"


class Category(str, enum.Enum):
    SIMPLE_PYTHON = "simple_python"
    SIMPLE_JAVA = "simple_java"
    SIMPLE_JAVASCRIPT = "simple_javascript"
    MULTIPLE = "multiple"
    PARALLEL = "parallel"
    PARALLEL_MULTIPLE = "parallel_multiple"
    IRRELEVANCE = "irrelevance"
    LIVE_SIMPLE = "live_simple"
    LIVE_MULTIPLE = "live_multiple"
    LIVE_PARALLEL = "live_parallel"
    LIVE_PARALLEL_MULTIPLE = "live_parallel_multiple"
    LIVE_IRRELEVANCE = "live_irrelevance"
    LIVE_RELEVANCE = "live_relevance"
    MULTI_TURN_BASE = "multi_turn_base"
    MULTI_TURN_MISS_FUNC = "multi_turn_miss_func"
    MULTI_TURN_MISS_PARAM = "multi_turn_miss_param"
    MULTI_TURN_LONG_CONTEXT = "multi_turn_long_context"
    WEB_SEARCH_BASE = "web_search_base"
    WEB_SEARCH_NO_SNIPPET = "web_search_no_snippet"
    MEMORY_KV = "memory_kv"
    MEMORY_VECTOR = "memory_vector"
    MEMORY_REC_SUM = "memory_rec_sum"

    # --- static facts, looked up in the tables below -------------------------------------
    @property
    def group(self) -> ScoreGroup:
        return _FACTS[self][0]

    @property
    def checker(self) -> Checker:
        return _FACTS[self][1]

    @property
    def language(self) -> Language:
        return _FACTS[self][2]

    @property
    def result_dir(self) -> str:
        """BFCL's folder for this category's result and score files (``non_live``, ``live``, ...)."""
        return _FACTS[self][3]

    @property
    def data_stem(self) -> str:
        """Stem of the data file in ``bfcl_eval/data`` (web search and memory share one file)."""
        if self in (Category.WEB_SEARCH_BASE, Category.WEB_SEARCH_NO_SNIPPET):
            return "web_search"
        if self in (Category.MEMORY_KV, Category.MEMORY_VECTOR, Category.MEMORY_REC_SUM):
            return "memory"
        return self.value

    @property
    def result_file_name(self) -> str:
        return f"BFCL_v4_{self.value}_result.json"

    @property
    def score_file_name(self) -> str:
        return f"BFCL_v4_{self.value}_score.json"

    @property
    def is_ast(self) -> bool:
        return self.checker in (Checker.SIMPLE, Checker.MULTIPLE, Checker.PARALLEL)

    @property
    def is_single_turn(self) -> bool:
        return self.group in (
            ScoreGroup.NON_LIVE,
            ScoreGroup.LIVE,
            ScoreGroup.IRRELEVANCE,
            ScoreGroup.RELEVANCE,
        )

    @property
    def runnable_offline(self) -> bool:
        """Agentic categories need the live web or an embedding-model download."""
        return self.group is not ScoreGroup.AGENTIC

    @classmethod
    def parse(cls, name: str) -> "Category":
        try:
            return cls(name)
        except ValueError:
            raise UnknownCategoryError(name) from None

    @classmethod
    def from_result_file_name(cls, file_name: str) -> "Category":
        prefix, suffix = "BFCL_v4_", "_result.json"
        if not (file_name.startswith(prefix) and file_name.endswith(suffix)):
            raise UnknownCategoryError(file_name)
        return cls.parse(file_name[len(prefix) : -len(suffix)])


class UnknownCategoryError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"unknown BFCL category {name!r}; known: {', '.join(c.value for c in Category)}"
        )
        self.name = name


C, G, K, L = Category, ScoreGroup, Checker, Language
_FACTS: dict[Category, tuple[ScoreGroup, Checker, Language, str]] = {
    C.SIMPLE_PYTHON: (G.NON_LIVE, K.SIMPLE, L.PYTHON, "non_live"),
    C.SIMPLE_JAVA: (G.NON_LIVE, K.SIMPLE, L.JAVA, "non_live"),
    C.SIMPLE_JAVASCRIPT: (G.NON_LIVE, K.SIMPLE, L.JAVASCRIPT, "non_live"),
    C.MULTIPLE: (G.NON_LIVE, K.MULTIPLE, L.PYTHON, "non_live"),
    C.PARALLEL: (G.NON_LIVE, K.PARALLEL, L.PYTHON, "non_live"),
    C.PARALLEL_MULTIPLE: (G.NON_LIVE, K.PARALLEL, L.PYTHON, "non_live"),
    C.IRRELEVANCE: (G.IRRELEVANCE, K.IRRELEVANCE, L.PYTHON, "non_live"),
    C.LIVE_SIMPLE: (G.LIVE, K.SIMPLE, L.PYTHON, "live"),
    C.LIVE_MULTIPLE: (G.LIVE, K.MULTIPLE, L.PYTHON, "live"),
    C.LIVE_PARALLEL: (G.LIVE, K.PARALLEL, L.PYTHON, "live"),
    C.LIVE_PARALLEL_MULTIPLE: (G.LIVE, K.PARALLEL, L.PYTHON, "live"),
    C.LIVE_IRRELEVANCE: (G.IRRELEVANCE, K.IRRELEVANCE, L.PYTHON, "live"),
    C.LIVE_RELEVANCE: (G.RELEVANCE, K.RELEVANCE, L.PYTHON, "live"),
    C.MULTI_TURN_BASE: (G.MULTI_TURN, K.MULTI_TURN, L.PYTHON, "multi_turn"),
    C.MULTI_TURN_MISS_FUNC: (G.MULTI_TURN, K.MULTI_TURN, L.PYTHON, "multi_turn"),
    C.MULTI_TURN_MISS_PARAM: (G.MULTI_TURN, K.MULTI_TURN, L.PYTHON, "multi_turn"),
    C.MULTI_TURN_LONG_CONTEXT: (G.MULTI_TURN, K.MULTI_TURN, L.PYTHON, "multi_turn"),
    C.WEB_SEARCH_BASE: (G.AGENTIC, K.AGENTIC, L.PYTHON, "agentic"),
    C.WEB_SEARCH_NO_SNIPPET: (G.AGENTIC, K.AGENTIC, L.PYTHON, "agentic"),
    C.MEMORY_KV: (G.AGENTIC, K.AGENTIC, L.PYTHON, "agentic/memory/kv"),
    C.MEMORY_VECTOR: (G.AGENTIC, K.AGENTIC, L.PYTHON, "agentic/memory/vector"),
    C.MEMORY_REC_SUM: (G.AGENTIC, K.AGENTIC, L.PYTHON, "agentic/memory/rec_sum"),
}
del C, G, K, L

AST_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c.is_ast)
SINGLE_TURN_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c.is_single_turn)
MULTI_TURN_CATEGORIES: tuple[Category, ...] = tuple(
    c for c in Category if c.group is ScoreGroup.MULTI_TURN
)
NON_LIVE_CATEGORIES: tuple[Category, ...] = tuple(
    c for c in Category if c.result_dir == "non_live"
)
LIVE_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c.result_dir == "live")

# Named collections accepted by ``--categories`` (as in ``bfcl generate --test-category``).
COLLECTIONS: dict[str, tuple[Category, ...]] = {
    "non_live": NON_LIVE_CATEGORIES,
    "live": LIVE_CATEGORIES,
    "single_turn": SINGLE_TURN_CATEGORIES,
    "ast": AST_CATEGORIES,
    "multi_turn": MULTI_TURN_CATEGORIES,
    "all": tuple(c for c in Category if c.runnable_offline),
}


def parse_categories(spec: str) -> list[Category]:
    """Parse ``"simple_python,live"`` into categories, expanding named collections, in enum order."""
    chosen: set[Category] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in COLLECTIONS:
            chosen.update(COLLECTIONS[part])
        else:
            chosen.add(Category.parse(part))
    return [c for c in Category if c in chosen]
