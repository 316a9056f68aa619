"""MkDocs hook: typeset every page's maths when the site is built, as MathML that browsers draw themselves.

The notebooks write maths as TeX between dollars (``$\\dfrac{\\partial f}{\\partial d}$``, ``$$...$$``),
and mkdocs-jupyter leaves it as it is, with a MathJax loader whose address is empty: no page typeset
its maths, online or off. This hook turns each TeX snippet outside code into MathML with
``latex2mathml`` (a build-time dependency, in the ``docs`` extra), so the site needs no script, no font
and no network to show it, and search indexes the symbols instead of the TeX. It also removes mkdocs-jupyter's
MathJax loader (an empty address up to 0.26, a CDN's from 0.27), and keeps the notebooks' prompts
(``In [3]:``) and copy buttons out of the search index.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString
from latex2mathml.converter import convert
from mkdocs.plugins import event_priority

# $$display$$, \[display\], $inline$, \(inline\): a TeX snippet and whether it is displayed.
TEX = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\$([^$\n]+?)\$|\\\((.+?)\\\)", re.S)
NOT_MATHS = {"code", "pre", "script", "style", "math", "textarea", "kbd", "samp"}  # TeX shown as text
NOT_SEARCHED = ".jp-InputPrompt, .jp-OutputPrompt, .zeroclipboard-container"


def mathml(tex: str, display: bool) -> str:
    """The MathML of one TeX snippet.

    Examples:
        >>> mathml(r"x^2", display=False).startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
        True
    """
    return convert(tex.strip(), display="block" if display else "inline")


def typeset(html: str) -> str:
    """``html`` with every TeX snippet outside code replaced by MathML.

    Examples:
        >>> out = typeset("<p>slope $2x$</p><pre>cost: $5 and $6</pre><script src='x/mathjax.js'></script>")
        >>> "<math" in out, "$2x$" in out, "$5 and $6" in out, "<script" in out
        (True, False, True, False)
    """
    soup = BeautifulSoup(html, "html.parser")
    for text in list(soup.find_all(string=TEX)):
        if any(parent.name in NOT_MATHS for parent in text.parents):
            continue
        pieces: list[Any] = []
        last = 0
        for match in TEX.finditer(text):
            display_tex, bracket_tex, inline_tex, paren_tex = match.groups()
            tex = display_tex or bracket_tex or inline_tex or paren_tex
            pieces.append(NavigableString(text[last : match.start()]))
            pieces.append(BeautifulSoup(mathml(tex, display=bool(display_tex or bracket_tex)), "html.parser"))
            last = match.end()
        pieces.append(NavigableString(text[last:]))
        text.replace_with(*pieces)
    _drop_mathjax(soup)
    for element in soup.select(NOT_SEARCHED):
        element["data-search-exclude"] = ""
    return str(soup)


def _drop_mathjax(soup: BeautifulSoup) -> bool:
    """Remove the MathJax loaders and their settings (the maths is MathML already); whether there were."""
    found = False
    for script in soup.find_all("script"):
        if "mathjax" in f"{script.attrs} {script.string or ''}".lower() or script.get("src") == "":
            script.decompose()
            found = True
    return found


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Typeset the page's maths (before search indexes it and the theme wraps it)."""
    return typeset(html)


@event_priority(-100)  # after mkdocs-jupyter, which from 0.27 adds its MathJax loader to the whole page
def on_post_page(output: str, page: Any, config: Any) -> str:
    """Drop a MathJax loader added to the finished page."""
    if "mathjax" not in output.lower():
        return output
    soup = BeautifulSoup(output, "html.parser")
    return str(soup) if _drop_mathjax(soup) else output
