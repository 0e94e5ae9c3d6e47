"""The programme: tiers, rules, applications, designations, alerts, the hard-tech pool."""
