"""The children around a subject: assessment and bands, children kept, social care."""
