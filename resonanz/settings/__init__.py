"""Django settings: base.py holds everything (env-driven); test.py and prod.py are small overrides."""
