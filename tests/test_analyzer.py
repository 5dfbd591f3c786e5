from __future__ import annotations

from index.analyzer import (
    Analyzer,
    code_tokens,
    keywords_near_operators,
    mine_acronyms,
    mine_initialisms,
    words,
)


def test_words_fold_case_and_possessives() -> None:
    assert words("Boston’s POLICE and Cox's letter") == ["boston", "police", "and", "cox", "letter"]


def test_stopwords_dropped_and_words_stemmed() -> None:
    assert Analyzer().terms("The requests were ignored by the police") == [
        "request",
        "ignor",
        "polic",
    ]


def test_contractions_are_stopwords_with_or_without_their_apostrophe() -> None:
    analyzer = Analyzer()
    assert analyzer.terms("whats the diff, it doesn't work and isnt right") == [
        "diff",
        "work",
        "right",
    ]
    assert analyzer.terms("the cop shed a tear, ill and well") == [
        "cop",
        "shed",
        "tear",
        "ill",
        "well",
    ]


def test_acronym_and_long_form_meet_on_one_term() -> None:
    acronyms = mine_acronyms(["Issued by U.S. Immigration and Customs Enforcement (ICE) today."])
    assert acronyms == {"ice": ("immigr", "custom", "enforc")}
    analyzer = Analyzer(acronyms)
    long_form = analyzer.terms("Immigration and Customs Enforcement said")
    assert "ice" in long_form
    assert analyzer.terms("ICE said").count("ice") == 1


def test_initialisms_are_matched_to_a_capitalised_run() -> None:
    found = mine_initialisms(["The Boston Police Department said so.", "BPD asked ICE."])
    assert found["bpd"] == ("boston", "polic", "depart")


def test_keywords_read_as_code_only_beside_an_operator() -> None:
    """The keywords `keywords_near_operators` names are those read as code for nothing but
    standing next to an operator: the asker wrote them as words."""
    question = "whats the diff between == and is"
    assert code_tokens(question) == ["`between", "`==", "`and", "`is"]
    assert keywords_near_operators(question) == {"`between", "`and", "`is"}
    written = "what does `is` test, and IS NULL, or the and operator; see x == y"
    assert set(code_tokens(written)) >= {"`is", "`==", "`and"}
    assert keywords_near_operators(written) == set()  # ticked, capitals, named an operator
    assert keywords_near_operators("upsert: INSERT ... ON CONFLICT DO UPDATE") == set()


def test_where_a_link_points_is_not_read() -> None:
    """A README's link list ("**Bug reports:** https://github.com/numpy/numpy/issues") led
    answers about other projects on the strength of the URLs' words; a link's text is read,
    its target (a URL, a Markdown or reStructuredText link's target) is not."""
    analyzer = Analyzer()
    assert analyzer.terms("Bug reports: https://github.com/numpy/numpy/issues") == [
        "bug",
        "report",
    ]
    assert analyzer.terms("[Contributing](https://github.com/a/b/CONTRIBUTING.md) guide") == [
        "contribut",
        "guid",
    ]
    assert analyzer.terms('[setup](../docker-setup#run "Run it") and www.example.org') == ["setup"]
    assert analyzer.terms("`Auto-discovery <https://docs.pytest.org/x.html>`_ of tests") == [
        "auto",
        "discoveri",
        "test",
    ]
    # an HTML tag's attributes are markup, its text is read; a bare tag or a repr stays
    assert analyzer.terms('**Docs**: <a href="https://x.io" target="_blank">here</a>') == ["doc"]
    assert analyzer.terms('<p align="center">Fast parsing</p>') == ["fast", "pars"]
    assert "br" in analyzer.terms("a <br> breaks the line")
    assert "function" in analyzer.terms("prints <function f at 0x7f3a>")
    # the same words anywhere else are read, and code that indexes a call is not a link
    assert "github" in analyzer.terms("Fork it on GitHub, then clone it")
    assert "arg" in analyzer.terms("handlers[0](arg) calls the first handler")


def test_emphasis_is_not_a_starred_name() -> None:
    """Markdown's bold label "**Bug reports:**" was read as the code `**Bug`; a starred
    name stays code however the text around it is marked up."""
    assert code_tokens("**Bug reports:** see the tracker") == []
    assert code_tokens("a *very important* note") == []
    assert code_tokens("def f(*args, **kwargs): pass") == ["`*args", "`**kwargs"]
    assert code_tokens("**Note**: pass *args on") == ["`*args"]
