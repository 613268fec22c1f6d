from django.dispatch import Signal

# Sent by ``manage.py demo`` after the core demo; receivers load their part's demo data and
# return a list of (email, description) logins to print (or an empty list).
demo_loaded = Signal()
