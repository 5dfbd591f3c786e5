"""The answer engine and its faces: the command line and Discord."""
