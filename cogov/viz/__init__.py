"""Classroom view of a community: a Solara page a teacher drives live (``cogov viz``).

Modules, from the bottom up (only :mod:`cogov.viz.app` and :mod:`cogov.viz.server` import solara, so
importing this package, :mod:`cogov.viz.controls`, :mod:`cogov.viz.render` or
:mod:`cogov.viz.session` stays light and works without the ``viz`` extra):

- :mod:`cogov.viz.controls`: the levers on the page (key path, kind, range) and every label, in
  English and Chinese;
- :mod:`cogov.viz.render`: fast redraws of the community map and the charts (matplotlib blitting,
  PNG by Pillow), shared with ``cogov animate``;
- :mod:`cogov.viz.session`: one browser session's model, lever settings, earlier runs (kept, labelled,
  exported), monitors, map colours, inspected building and frames;
- :mod:`cogov.viz.assets`: the front-end files Solara would fetch from a CDN, cached from the npm
  registry so the page works offline;
- :mod:`cogov.viz.app`: the Solara page; :mod:`cogov.viz.server`: starting it on 127.0.0.1.
"""
