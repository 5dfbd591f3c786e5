-- Scope every row by server (NULL: written before this, server not known yet), and count
-- changes to the pins, so another process knows when to reload their keys.
ALTER TABLE answers ADD COLUMN guild_id INTEGER;
ALTER TABLE pins ADD COLUMN guild_id INTEGER;
ALTER TABLE votes ADD COLUMN guild_id INTEGER;
ALTER TABLE declined ADD COLUMN guild_id INTEGER;
CREATE INDEX declined_by_guild ON declined (guild_id, asked_at);
CREATE TABLE pin_changes (n INTEGER NOT NULL);
INSERT INTO pin_changes VALUES (0);
CREATE TRIGGER pin_added AFTER INSERT ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE TRIGGER pin_changed AFTER UPDATE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
CREATE TRIGGER pin_removed AFTER DELETE ON pins BEGIN UPDATE pin_changes SET n = n + 1; END;
