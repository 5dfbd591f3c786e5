-- A new PostgreSQL database starts at version 3: the schema SQLite reached in three steps,
-- in PostgreSQL's types (ids are 64-bit), plus a notification naming the server whenever
-- its pins, aliases or settings change, and the process that changed them (each connects
-- with its name as application_name), which the other bot processes LISTEN for.
CREATE TABLE answers (
    message_id BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    guild_id BIGINT,
    asked_by BIGINT
);
CREATE TABLE pins (
    message_id BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    match_key TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    pinned_by BIGINT NOT NULL,
    pinned_by_name TEXT NOT NULL,
    pinned_at TEXT NOT NULL,
    guild_id BIGINT,
    edited_by_name TEXT,
    edited_at TEXT
);
CREATE INDEX pins_by_guild ON pins (guild_id);
CREATE TABLE pin_aliases (
    rowid BIGSERIAL UNIQUE,
    message_id BIGINT NOT NULL,
    alias TEXT NOT NULL,
    match_key TEXT NOT NULL,
    PRIMARY KEY (message_id, alias)
);
CREATE TABLE votes (
    message_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    voted_at TEXT NOT NULL,
    guild_id BIGINT,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX votes_by_guild ON votes (guild_id, message_id);
CREATE TABLE declined (
    id BIGSERIAL PRIMARY KEY,
    question TEXT NOT NULL,
    match_key TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    guild_id BIGINT
);
CREATE INDEX declined_by_time ON declined (asked_at);
CREATE INDEX declined_by_guild ON declined (guild_id, asked_at);
CREATE TABLE server_settings (
    guild_id BIGINT PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE FUNCTION quotebot_changed() RETURNS trigger AS $$
DECLARE
    row RECORD := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    guild BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'pin_aliases' THEN
        SELECT p.guild_id INTO guild FROM pins p WHERE p.message_id = row.message_id;
    ELSE
        guild := row.guild_id;
    END IF;
    PERFORM pg_notify('quotebot_changes', json_build_object(
        'what', CASE WHEN TG_TABLE_NAME = 'server_settings' THEN 'settings' ELSE 'pins' END,
        'guild', guild,
        'by', current_setting('application_name', true))::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER pins_changed AFTER INSERT OR UPDATE OR DELETE ON pins
    FOR EACH ROW EXECUTE FUNCTION quotebot_changed();
CREATE TRIGGER aliases_changed AFTER INSERT OR UPDATE OR DELETE ON pin_aliases
    FOR EACH ROW EXECUTE FUNCTION quotebot_changed();
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON server_settings
    FOR EACH ROW EXECUTE FUNCTION quotebot_changed();
