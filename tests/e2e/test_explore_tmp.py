from .conftest import SANNE, INGRID, wait_live

def test_explore(new_page):
    for who in (SANNE, INGRID, None):
        for path in ("/me", "/teams/klantcontact", "/teams", "/login", "/admin"):
            p = new_page(who, path=path, viewport={"width": 360, "height": 740}, live=path in ("/me", "/teams/klantcontact"))
            p.wait_for_load_state("load")
            p.wait_for_timeout(300)
            w = p.evaluate("document.documentElement.scrollWidth")
            wide = p.evaluate("""() => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361).slice(0,5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
            print(who, path, p.url, w, wide)
            p.screenshot(path=f"/tmp/explore/{(who or 'anon')[:5]}{path.replace('/','_')}.png", full_page=True)
