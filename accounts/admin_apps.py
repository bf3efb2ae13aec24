from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with the MFA-enforcing site (accounts/admin_site.py) as
    ``admin.site``. Listed in INSTALLED_APPS instead of ``django.contrib.admin``."""

    default_site = "accounts.admin_site.StaffAdminSite"
