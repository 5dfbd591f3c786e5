-- A quotebot database as schema version 2 wrote it (rows scoped by server; before askers,
-- pin aliases and edits, and server settings), frozen here as text: the migration tests build
-- a v2 database file from it. Never edit. Server 100000000000000002 is the fake Discord's
-- first (channel ...03), 100000000000000005 its second (channel ...06).
CREATE TABLE answers (
        message_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        answer_json TEXT NOT NULL,
        created_at TEXT NOT NULL
    , guild_id INTEGER);
INSERT INTO "answers" VALUES(11,100000000000000003,'How many detainer requests did Boston police ignore in 2025?','{"question":"How many detainer requests did Boston police ignore in 2025?","status":"answered","snippets":[],"note":"","facts":null}','2026-02-10T10:00:00+00:00',100000000000000002);
INSERT INTO "answers" VALUES(12,100000000000000006,'Who is the Boston police commissioner?','{"question":"Who is the Boston police commissioner?","status":"answered","snippets":[],"note":"","facts":null}','2026-02-10T10:05:00+00:00',100000000000000005);
CREATE TABLE declined (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        match_key TEXT NOT NULL,
        asked_at TEXT NOT NULL
    , guild_id INTEGER);
INSERT INTO "declined" VALUES(1,'What is the boiling point of mercury?','boil mercuri point','2026-02-10T12:00:00+00:00',100000000000000002);
CREATE TABLE pin_changes (n INTEGER NOT NULL);
INSERT INTO "pin_changes" VALUES(1);
CREATE TABLE pins (
        message_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        match_key TEXT NOT NULL,
        answer_json TEXT NOT NULL,
        pinned_by INTEGER NOT NULL,
        pinned_by_name TEXT NOT NULL,
        pinned_at TEXT NOT NULL
    , guild_id INTEGER);
INSERT INTO "pins" VALUES(11,100000000000000003,'How many detainer requests did Boston police ignore in 2025?','2025 boston detain ignor polic request','{"question":"How many detainer requests did Boston police ignore in 2025?","status":"answered","snippets":[],"note":"","facts":null}',33,'Mod','2026-02-10T11:00:00+00:00',100000000000000002);
CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at TEXT NOT NULL, guild_id INTEGER,
        PRIMARY KEY (message_id, user_id)
    );
INSERT INTO "votes" VALUES(11,7001,1,'2026-02-10T10:30:00+00:00',100000000000000002);
INSERT INTO "votes" VALUES(12,7002,-1,'2026-02-10T10:31:00+00:00',100000000000000005);
CREATE INDEX declined_by_time ON declined (asked_at);
CREATE INDEX declined_by_guild ON declined (guild_id, asked_at);
CREATE TRIGGER pin_added AFTER INSERT ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE TRIGGER pin_changed AFTER UPDATE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE TRIGGER pin_removed AFTER DELETE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
PRAGMA user_version = 2;
