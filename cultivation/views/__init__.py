"""Portal pages: ``portal`` for firms, ``staff`` for reviewers and caseworkers (URLs in ``cultivation.urls``).

Views parse input, call one selector or service, and render; access rules live in ``access``.
"""
