"""The audit's pages and request hooks: the event list, a record's access log, the reason
prompt (justification) and the middleware that records refusals. They use the access
policy, so they sit in the kernel above it; the audit package itself (events, chain,
models) stays below it."""
