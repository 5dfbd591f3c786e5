-- Who asked (the 🗑 button is theirs), moderators' edits of curated answers and their
-- aliases (more wordings that get the answer), and each server's own settings, with a
-- change count like the pins'.
ALTER TABLE answers ADD COLUMN asked_by INTEGER;
ALTER TABLE pins ADD COLUMN edited_by_name TEXT;
ALTER TABLE pins ADD COLUMN edited_at TEXT;
CREATE TABLE pin_aliases (
    message_id INTEGER NOT NULL,
    alias TEXT NOT NULL,
    match_key TEXT NOT NULL,
    PRIMARY KEY (message_id, alias)
);
CREATE TRIGGER alias_added AFTER INSERT ON pin_aliases
    BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE TRIGGER alias_removed AFTER DELETE ON pin_aliases
    BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE INDEX votes_by_guild ON votes (guild_id, message_id);
CREATE TABLE server_settings (
    guild_id INTEGER PRIMARY KEY,
    settings_json TEXT NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE settings_changes (n INTEGER NOT NULL);
INSERT INTO settings_changes VALUES (0);
CREATE TRIGGER settings_added AFTER INSERT ON server_settings
    BEGIN UPDATE settings_changes SET n = n + 1; END;
CREATE TRIGGER settings_changed AFTER UPDATE ON server_settings
    BEGIN UPDATE settings_changes SET n = n + 1; END;
CREATE TRIGGER settings_removed AFTER DELETE ON server_settings
    BEGIN UPDATE settings_changes SET n = n + 1; END;
