"""A sample agency-owned record, as later apps write theirs: the model, and views that
call the policy on their first line, ask for a justification and record the audit."""
