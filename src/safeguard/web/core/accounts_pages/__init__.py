"""The accounts pages: sign-in with a one-time code, enrolment, and the administration of
agencies and users. They sit in the kernel above the access policy they use, so that the
accounts models stay below it (no import cycle between the kernel's packages)."""
