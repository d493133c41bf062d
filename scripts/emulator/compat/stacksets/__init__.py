"""The StackSet operations engine (operations.py) and the rules it applies to instances
(instances.py), updates (updates.py) and concurrent operations (managed_execution.py)."""
