"""Publishing: atomic releases to cheap hosting over rsync/SSH or FTP(S), and rollback."""
