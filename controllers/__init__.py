from . import feedback, portal, referral_portal
