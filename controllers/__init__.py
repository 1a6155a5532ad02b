from . import feedback, login, portal, referral_portal
