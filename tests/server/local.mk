# The Snowflake-shaped token server and the oidc-provider rig (tests/server/).
