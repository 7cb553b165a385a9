"""What people read: the visual report and the offline dbt docs site."""
