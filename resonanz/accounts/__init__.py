"""Users, brands (tenants), memberships with roles, API tokens."""
