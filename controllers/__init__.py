from . import feedback, portal
