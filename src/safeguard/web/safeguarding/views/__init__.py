"""The register's views, one module per concept. Each view's first line asks the policy
(through need_to_know); opening a child's or an adult's record asks for the reason."""
