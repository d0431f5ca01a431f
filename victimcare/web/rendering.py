"""Rendering costs that every page pays, cut without changing a byte of what a page shows.

Two things measured under HTTP load (benchmarks/http_load.py --floors) made the page shell cost as much as the
audited request behind it:

* Every ``{% from "…/macro.html" import … %}`` (thirteen in base.html, one more inside nearly every GOV.UK macro
  call) asks Jinja whether the importing template's globals differ from the imported one's. Jinja answers with a
  set difference against a ChainMap that runs one Python-level lookup per global: about 650 a page. `Template`
  asks the same question with one C-level subset test, so the cached module is found at a fraction of the cost.
* The GOV.UK macros of the shell (skip link, header, service navigation, phase banner) are called with the same
  arguments on almost every page. `memo` keeps what such a call rendered, keyed by the macro and its arguments.
"""
import json
import threading

import jinja2
from markupsafe import Markup


class Template(jinja2.Template):
    """A Jinja template whose imports find the cached module cheaply (see the module's docstring)."""

    def _get_default_module(self, ctx=None):
        # Jinja makes a fresh module only when the importing context has globals this template lacks; when it has
        # none, the cached module is the answer, exactly as jinja2.Template decides it.
        if ctx is not None and ctx.globals_keys.issubset(self.globals):
            ctx = None
        return super()._get_default_module(ctx)


MEMO_LIMIT = 512
_memo: dict = {}
_memo_lock = threading.Lock()


def memo(macro, params: dict) -> Markup:
    """What `macro(params)` renders, computed once per distinct `params`.

    Only for macros whose output depends on nothing but their arguments: GOV.UK components imported without
    context, called without ``caller``. The arguments are part of the key (as JSON), so a different link, label
    or current page is a different entry; the cache holds at most MEMO_LIMIT entries (it is emptied when full:
    the shell has a few dozen variants, one per role and section)."""
    key = (macro, json.dumps(params, sort_keys=True, default=str))
    found = _memo.get(key)
    if found is None:
        found = Markup(macro(params))
        with _memo_lock:
            if len(_memo) >= MEMO_LIMIT:
                _memo.clear()
            _memo[key] = found
    return found


def register(app) -> None:
    app.jinja_env.template_class = Template
    app.add_template_global(memo, "memo")
