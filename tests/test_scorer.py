"""The scorer against its oracle, rank_bm25's BM25Okapi: same scores, same top k."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from index.scorer import BM25Index, BM25Params

# A small alphabet makes terms common, so negative IDFs, the floor and ties all happen often.
WORDS = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h"])
DOCS = st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=30).filter(
    lambda docs: any(docs)
)
QUERY = st.lists(st.one_of(WORDS, st.just("unknown")), max_size=6)
# k1 = 0, or b = 1 with an empty passage, make rank_bm25 divide 0 by 0 for passages lacking a
# term (NaN scores); the scorer gives those passages no score, so such parameters are left out.
PARAMS = st.builds(
    BM25Params,
    k1=st.floats(0.01, 3.0),
    b=st.floats(0.0, 0.99),
    epsilon=st.floats(0.0, 1.0),
)


def oracle_top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    return [(i, float(scores[i])) for i in order if scores[i] > 0]


def check(docs: list[list[str]], query: list[str], params: BM25Params, k: int) -> None:
    oracle = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    index = BM25Index.build(docs, params)
    expected = oracle.get_scores(query)
    got = index.scores(query)
    # Same operations in the same order: equal to the bit, which is stricter than 1e-9.
    np.testing.assert_array_equal(got, expected)
    assert [(h.passage, h.score) for h in index.top(query, k)] == oracle_top(expected, k)
    for term in oracle.idf:
        assert index.term_idf(term) == oracle.idf[term]


@settings(max_examples=300, deadline=None)
@given(DOCS, QUERY, PARAMS, st.integers(1, 12))
def test_random_corpora_match_rank_bm25(docs, query, params, k):
    check(docs, query, params, k)


@settings(max_examples=100, deadline=None)
@given(DOCS, QUERY, st.integers(1, 12))
def test_engine_parameters_match_rank_bm25(docs, query, k):
    check(docs, query, BM25Params(), k)


def test_idf_floor_and_negative_idf():
    # "common" is in 3 of 4 passages: negative raw IDF, raised to epsilon × mean IDF.
    docs = [["common", "rare"], ["common"], ["common", "other"], ["fourth"]]
    index = BM25Index.build(docs, BM25Params())
    oracle = BM25Okapi(docs, k1=1.2, b=0.75, epsilon=0.25)
    assert index.term_idf("common") == oracle.idf["common"] == 0.25 * oracle.average_idf
    check(docs, ["common"], BM25Params(), 4)


def test_negative_mean_idf_gives_negative_scores_that_are_dropped():
    docs = [["x", "y"], ["x", "y"], ["x", "y"], ["z"]]
    oracle = BM25Okapi(docs, k1=1.2, b=0.75, epsilon=0.25)
    assert oracle.average_idf < 0
    index = BM25Index.build(docs, BM25Params())
    assert (index.scores(["x"]) < 0).sum() == 3
    assert index.top(["x"], 3) == []
    check(docs, ["x", "z"], BM25Params(), 3)


def test_idf_exactly_zero_stays_zero():
    docs = [["x"], ["x"], ["y"], ["z"]]  # df = N/2: log(2.5) - log(2.5) = 0
    index = BM25Index.build(docs, BM25Params())
    assert index.term_idf("x") == 0.0
    check(docs, ["x", "y"], BM25Params(), 4)


def test_repeated_query_terms_count_each_time():
    docs = [["x", "y"], ["y"], ["z"], ["w"], ["v"]]
    index = BM25Index.build(docs, BM25Params())
    once, twice = index.scores(["x"]), index.scores(["x", "x"])
    assert twice[0] == once[0] + once[0]
    check(docs, ["x", "x", "y"], BM25Params(), 5)


def test_ties_are_broken_by_passage_order():
    docs = [["a", "b"], ["c", "q"], ["a", "b"], ["q", "c"], ["d"], ["e"], ["f"]]
    index = BM25Index.build(docs, BM25Params())
    assert [h.passage for h in index.top(["q"], 2)] == [1, 3]
    assert [h.passage for h in index.top(["q"], 1)] == [1]


def test_unknown_terms_only_return_nothing():
    index = BM25Index.build([["a"], ["b"], ["c"]], BM25Params())
    assert index.top(["nowhere", "never"], 5) == []
    assert not index.scores(["nowhere"]).any()


def test_large_tie_groups_past_the_partition_threshold():
    # 40 identical passages hold "t": the top 3 must still be the first three of them.
    docs = [["t", "u"]] * 40 + [["v"]] * 100
    index = BM25Index.build(docs, BM25Params())
    assert [h.passage for h in index.top(["t", "u"], 3)] == [0, 1, 2]
    check(docs, ["t", "u", "v"], BM25Params(), 7)
