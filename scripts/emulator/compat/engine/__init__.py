"""How CloudFormation runs a stack operation: events, updates, rollback, nested stacks, change
sets, stack policies, termination protection. stacks.py holds what they share."""
