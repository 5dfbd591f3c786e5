-- A quotebot database as schema version 1 wrote it (before rows were scoped by server),
-- frozen here as text: the migration tests build a v1 database file from it. Never edit.
-- Channels 100000000000000003 and 100000000000000004 are the fake Discord's first server's.
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
PRAGMA user_version = 1;

INSERT INTO answers VALUES
    (11, 100000000000000003, 'How many detainer requests did Boston police ignore in 2025?',
     '{"question":"How many detainer requests did Boston police ignore in 2025?","status":"answered","snippets":[],"note":"","facts":null}',
     '2026-01-10T10:00:00+00:00'),
    (12, 999, 'A question asked in a channel no server has any more',
     '{"question":"A question asked in a channel no server has any more","status":"answered","snippets":[],"note":"","facts":null}',
     '2026-01-10T10:05:00+00:00');
INSERT INTO pins VALUES
    (11, 100000000000000003, 'How many detainer requests did Boston police ignore in 2025?',
     '2025 boston detain ignor polic request',
     '{"question":"How many detainer requests did Boston police ignore in 2025?","status":"answered","snippets":[],"note":"","facts":null}',
     33, 'Mod', '2026-01-10T11:00:00+00:00');
INSERT INTO votes VALUES
    (11, 7001, 1, '2026-01-10T10:30:00+00:00'),
    (12, 7002, -1, '2026-01-10T10:31:00+00:00');
INSERT INTO declined (question, match_key, asked_at) VALUES
    ('What is the boiling point of mercury?', 'boil mercuri point', '2026-01-10T12:00:00+00:00');
