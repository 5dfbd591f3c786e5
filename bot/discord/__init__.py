"""The Discord face of the answer engine: settings, storage, rendering, cogs and the client."""
