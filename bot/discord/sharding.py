"""Which servers a bot process serves: Discord's shard formula over SHARD_COUNT and the
process's SHARD_IDS. A process holds in memory (pins, settings), prunes and answers only
the servers of its own shards; direct messages belong to shard 0."""

from __future__ import annotations

from dataclasses import dataclass

DM_SCOPE = 0  # direct messages: no server's id is 0, and shard_of(0) is 0


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's formula: the shard a server's events arrive on."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Shards:
    """This process's shards: `count` in all (None: not sharded, one process sees every
    server) and the `ids` it runs."""

    count: int | None = None
    ids: tuple[int, ...] = ()

    @property
    def sharded(self) -> bool:
        return self.count is not None

    def owns(self, guild_id: int) -> bool:
        if self.count is None:
            return True
        return shard_of(guild_id, self.count) in self.ids

    def where(self, column: str = "guild_id") -> tuple[str, tuple[int, ...]]:
        """The same test as SQL (both backends speak `>>` and `%`), with its parameters. Rows
        of no known server yet (NULL, from before scoping) go with shard 0, like DMs."""
        if self.count is None:
            return "1 = 1", ()
        marks = ", ".join("?" * len(self.ids))
        unknown = f" OR {column} IS NULL" if 0 in self.ids else ""
        return f"((({column} >> 22) % ?) IN ({marks}){unknown})", (self.count, *self.ids)


EVERY_SERVER = Shards()
