"""The mechanisms of the model, one module each, in the order of the daily lifecycle.

Each mechanism is a class that owns its state (the arrays it creates and updates) and reads its own
parameters; it is given the tables and the other mechanisms it needs when it is built, so that it
can be unit-tested on a small hand-built state without a whole community. ``step(day)`` does the
day's work.

1. :mod:`.volunteering` — who serves today, and motivation;
2. :mod:`.resources` — every handler's hours and the grids' patrols;
3. :mod:`.arrival` — new issues;
4. :mod:`.discovery` — issues found (reports, 12345, patrols, stewards);
5. :mod:`.agreement` — collective issues bargained by owners and company;
6. :mod:`.escalation` — the ladder and the hotline;
7. :mod:`.abandonment` — residents giving up;
8. :mod:`.service` — queues worked, issues fixed or not;
9. :mod:`.evaluation` — residents' judgement of closed issues (called by 7 and 8);
10. :mod:`.drift` — open issues and fading memory acting on satisfaction.

:mod:`.dispatch` routes issues to handlers for 4, 5 and 6.
"""
