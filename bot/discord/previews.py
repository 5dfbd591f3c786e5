"""The kinds of message `python -m bot preview KIND` prints, in a module of their own: the
command line lists them in its help without importing discord.py (half a second at start-up
of every command)."""

PREVIEWS = {
    "private": "/ask private: True (ephemeral: votes only)",
    "forum": "the answer to a new forum post, with ✅ Solved",
    "reply": '"Answer with quotebot": the reply under the member\'s message',
    "help": "/help",
    "settings": "/settings show (nothing chosen yet: every setting its default)",
    "pinned": "/answers pinned (one page of curated answers)",
    "feedback": "/answers feedback",
    "unanswered": "/answers unanswered",
    "unanswered-csv": "/answers unanswered export: CSV file",
    "unanswered-json": "/answers unanswered export: JSON file",
    "fact-choices": "/fact's autocomplete choices for what is typed",
}
