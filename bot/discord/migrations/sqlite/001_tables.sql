-- Sent answers, curated (pinned) answers, votes and declined questions.
CREATE TABLE answers (
    message_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE pins (
    message_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    match_key TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    pinned_by INTEGER NOT NULL,
    pinned_by_name TEXT NOT NULL,
    pinned_at TEXT NOT NULL
);
CREATE TABLE votes (
    message_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE TABLE declined (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    match_key TEXT NOT NULL,
    asked_at TEXT NOT NULL
);
CREATE INDEX declined_by_time ON declined (asked_at);
