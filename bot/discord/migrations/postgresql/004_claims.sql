-- Claims: the first process to insert a message's id answers it (a mention, a forum post),
-- so two sessions briefly serving one shard during a hand-over never both answer.
CREATE TABLE claims (
    id BIGINT PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL
);
CREATE INDEX claims_by_time ON claims (claimed_at);
