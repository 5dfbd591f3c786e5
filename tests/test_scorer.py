"""The scorer against its oracle, rank_bm25's BM25Plus and BM25Okapi: same scores, same top k.

`top` sums every posting into a per-passage array, then looks again only at the passages the
term bounds leave in reach and scores those exactly (index/topk.py); small blocks make small
corpora exercise the searches over block ends that exact scoring uses, and the Zipf corpora the
selection stopping before the common terms."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi, BM25Plus

import index.scorer as scorer
from index.scorer import BLOCK, BM25Index, BM25Params

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
    variant=st.sampled_from(["plus", "okapi"]),
    k1=st.floats(0.01, 3.0),
    b=st.floats(0.0, 0.99),
    delta=st.floats(0.0, 2.0),
    epsilon=st.floats(0.0, 1.0),
)
OKAPI = BM25Params(variant="okapi")
BLOCKS = st.sampled_from([1, 2, 3, BLOCK])
BOTH = pytest.mark.parametrize("params", [BM25Params(), OKAPI], ids=["plus", "okapi"])


def oracle(docs: list[list[str]], params: BM25Params) -> BM25Okapi | BM25Plus:
    if params.variant == "okapi":
        return BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    return BM25Plus(docs, k1=params.k1, b=params.b, delta=params.delta)


def oracle_top(
    docs: list[list[str]], query: list[str], scores: np.ndarray, k: int
) -> list[tuple[int, float]]:
    """Passages holding a query term and scoring above 0, best first, ties by passage order."""
    touched = [i for i, doc in enumerate(docs) if set(doc) & set(query)]
    order = sorted(touched, key=lambda i: (-scores[i], i))
    return [(i, float(scores[i])) for i in order if scores[i] > 0][:k]


def check(
    docs: list[list[str]], query: list[str], params: BM25Params, k: int, block: int = BLOCK
) -> None:
    bm25 = oracle(docs, params)
    index = BM25Index.build(docs, params, block=block)
    expected = bm25.get_scores(query)
    got = index.scores(query)
    # Same operations in the same order: equal to the bit, which is stricter than 1e-9.
    np.testing.assert_array_equal(got, expected)
    best = oracle_top(docs, query, expected, k)
    assert [(h.passage, h.score) for h in index.top(query, k)] == best
    tids = index._known(query)
    if tids:  # both ways top can answer, whichever it takes now
        assert [(h.passage, h.score) for h in index._top_compiled(tids, k)] == best
        assert [(h.passage, h.score) for h in index._top_numpy(tids, k)] == best
    for term in bm25.idf:
        assert index.term_idf(term) == bm25.idf[term]


@settings(max_examples=300, deadline=None)
@given(DOCS, QUERY, PARAMS, st.integers(1, 35), BLOCKS)
def test_random_corpora_match_rank_bm25(docs, query, params, k, block):
    # k runs past the number of passages (at most 30): every passage that qualifies, in order.
    check(docs, query, params, k, block)


@settings(max_examples=100, deadline=None)
@given(DOCS, QUERY, st.integers(1, 35), BLOCKS)
def test_engine_parameters_match_rank_bm25(docs, query, k, block):
    check(docs, query, BM25Params(), k, block)
    check(docs, query, OKAPI, k, block)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([BM25Params(), OKAPI]),
    st.sampled_from([1, 10, 50]),
    st.sampled_from([2, 8, BLOCK]),
)
def test_larger_zipf_corpora_match_rank_bm25(seed, params, k, block):
    """Hundreds of passages over a Zipf vocabulary, as in real text: common terms in most
    passages, rare ones in few, so bounds prune and candidates outnumber the top k."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    docs = [
        list(rng.choice(vocabulary, size=rng.integers(1, 40), p=weights))
        for _ in range(rng.integers(100, 400))
    ]
    for _ in range(5):
        query = list(rng.choice(vocabulary, size=rng.integers(1, 7), p=weights))
        check(docs, query, params, k, block)


def test_idf_floor_and_negative_idf():
    # "common" is in 3 of 4 passages: negative raw IDF, raised to epsilon × mean IDF.
    docs = [["common", "rare"], ["common"], ["common", "other"], ["fourth"]]
    index = BM25Index.build(docs, OKAPI)
    bm25 = BM25Okapi(docs, k1=1.2, b=0.75, epsilon=0.25)
    assert index.term_idf("common") == bm25.idf["common"] == 0.25 * bm25.average_idf
    check(docs, ["common"], OKAPI, 4)


def test_negative_mean_idf_gives_negative_scores_that_are_dropped():
    docs = [["x", "y"], ["x", "y"], ["x", "y"], ["z"]]
    assert BM25Okapi(docs, k1=1.2, b=0.75, epsilon=0.25).average_idf < 0
    index = BM25Index.build(docs, OKAPI)
    assert (index.scores(["x"]) < 0).sum() == 3
    assert index.top(["x"], 3) == []
    check(docs, ["x", "z"], OKAPI, 3)


def test_idf_exactly_zero_stays_zero():
    docs = [["x"], ["x"], ["y"], ["z"]]  # df = N/2: log(2.5) - log(2.5) = 0
    index = BM25Index.build(docs, OKAPI)
    assert index.term_idf("x") == 0.0
    check(docs, ["x", "y"], OKAPI, 4)


@BOTH
def test_repeated_query_terms_count_each_time(params):
    docs = [["x", "y"], ["y"], ["z"], ["w"], ["v"]]
    index = BM25Index.build(docs, params)
    once, twice = index.scores(["x"]), index.scores(["x", "x"])
    assert twice[0] == once[0] + once[0]
    check(docs, ["x", "x", "y"], params, 5)


@BOTH
def test_ties_are_broken_by_passage_order(params):
    docs = [["a", "b"], ["c", "q"], ["a", "b"], ["q", "c"], ["d"], ["e"], ["f"]]
    index = BM25Index.build(docs, params)
    assert [h.passage for h in index.top(["q"], 2)] == [1, 3]
    assert [h.passage for h in index.top(["q"], 1)] == [1]


@BOTH
def test_unknown_terms_only_return_nothing(params):
    index = BM25Index.build([["a"], ["b"], ["c"]], params)
    assert index.top(["nowhere", "never"], 5) == []
    assert not index.scores(["nowhere"]).any()


@BOTH
def test_large_tie_groups_past_the_partition_threshold(params):
    # 40 identical passages hold "t": the top 3 must still be the first three of them.
    docs = [["t", "u"]] * 40 + [["v"]] * 100
    index = BM25Index.build(docs, params)
    assert [h.passage for h in index.top(["t", "u"], 3)] == [0, 1, 2]
    check(docs, ["t", "u", "v"], params, 7)


def test_plus_gives_passages_without_the_term_idf_times_delta():
    docs = [["x", "y"], ["y"], ["z"]]
    index = BM25Index.build(docs, BM25Params())
    scores = index.scores(["x"])
    assert scores[1] == scores[2] == index.term_idf("x") * 1.0 > 0
    assert [h.passage for h in index.top(["x"], 3)] == [0]


@BOTH
def test_top_is_the_best_of_scores(params):
    # The pruned top k against the unpruned scores of every passage, on a corpus where one
    # common term is in every passage and the rare terms decide the order.
    rng = np.random.default_rng(5)
    docs = [
        ["common", *rng.choice(list("abcdefghij"), size=rng.integers(0, 6))] for _ in range(500)
    ]
    index = BM25Index.build(docs, params, block=4)
    for query in (["common", "a"], ["a", "b", "c", "common", "a"], ["j", "common", "common"]):
        scores = index.scores(query)
        order = sorted(range(len(docs)), key=lambda i: (-scores[i], i))
        expected = [(i, float(scores[i])) for i in order if scores[i] > 0][:10]
        assert [(h.passage, h.score) for h in index.top(query, 10)] == expected


def test_postings_outside_the_passages_are_an_error_not_a_crash():
    index = BM25Index.build([["a", "b"], ["a"], ["c"]], BM25Params())
    docs = index.docs.copy()
    docs[0] = 10**6  # a corrupt posting, as a damaged index file could hold
    broken = dataclasses.replace(index, docs=docs)
    with pytest.raises(ValueError, match="passages that do not exist"):
        broken.top(["a"], 3)


def test_numpy_answers_until_it_has_spent_what_loading_the_kernel_costs(monkeypatch):
    state = scorer._Compiled()  # a process that has not loaded the kernel yet
    monkeypatch.setattr(scorer, "_compiled", state)
    loaded: list[bool] = []
    real = scorer.use_compiled_top
    monkeypatch.setattr(scorer, "use_compiled_top", lambda: loaded.append(True) or real())
    index = BM25Index.build([["a", "b"], ["b"], ["c"]], BM25Params())
    expected = index._top_numpy([index.terms["b"]], 2)
    assert index.top(["b"], 2) == expected and not loaded
    assert state.numpy_seconds > 0
    state.numpy_seconds = scorer.KERNEL_LOAD_SECONDS  # NumPy has now spent as much
    assert index.top(["b"], 2) == expected and loaded == [True]
    assert index.top(["b"], 2) == expected and loaded == [True], "loaded once"


def test_a_process_expecting_many_queries_loads_the_kernel_only_for_a_large_index(monkeypatch):
    loaded: list[bool] = []
    monkeypatch.setattr(scorer, "use_compiled_top", lambda: loaded.append(True))
    small = BM25Index.build([["a", "b"], ["b"], ["c"]], BM25Params())
    small.expect_many_queries()
    assert not loaded
    monkeypatch.setattr(scorer, "MANY_QUERIES_MIN_DOCS", 3)
    small.expect_many_queries()
    assert loaded == [True]


@BOTH
def test_selection_stopping_early_gives_what_reading_every_term_gives(params):
    # "rare" (in 20 passages, with "common") bounds every other term's excess many times over:
    # for a small k the kernel's selection stops after it, and passages holding only "common"
    # or "other" are never looked at again; for k = every passage it never stops. The first k
    # of the second are the first, and both are rank_bm25's.
    docs = [["rare", "common"]] * 20 + [["common", "other"]] * 200 + [["other"]] * 300
    index = BM25Index.build(docs, params, block=8)
    query = ["common", "rare", "other"]
    tids = index._known(query)
    everything = index._top_compiled(tids, len(docs))
    assert everything == index._top_numpy(tids, len(docs))
    for k in (1, 3, 10, 20, 25):
        assert index._top_compiled(tids, k) == everything[:k]
        check(docs, query, params, k, block=8)


def test_stamps_survive_many_queries_and_their_epochs_wrapping():
    # A passage's sum is valid only for the query that stamped it; stamps are one byte, cleared
    # when the epochs run out (every 127 queries): sums left by earlier queries never leak.
    rng = np.random.default_rng(3)
    vocabulary = [f"w{i}" for i in range(40)]
    docs = [list(rng.choice(vocabulary, size=rng.integers(1, 12))) for _ in range(300)]
    index = BM25Index.build(docs, BM25Params(), block=4)
    for _ in range(400):
        tids = index._known(list(rng.choice(vocabulary, size=rng.integers(1, 6))))
        assert index._top_compiled(tids, 5) == index._top_numpy(tids, 5)


def test_a_query_cut_short_by_a_corrupt_posting_leaves_no_trace():
    index = BM25Index.build([["a", "b"], ["a"], ["b", "c"], ["a", "c"]], BM25Params())
    docs = index.docs.copy()
    docs[index.offsets[index.terms["a"] + 1] - 1] = 10**6  # the last posting of "a"
    broken = dataclasses.replace(index, docs=docs)
    with pytest.raises(ValueError, match="passages that do not exist"):
        broken.top(["b", "a"], 3)  # "b" summed, then "a" stops it halfway
    assert broken.top(["b", "c"], 3) == index.top(["b", "c"], 3)
