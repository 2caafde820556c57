import time
from .conftest import SANNE, MOHAMED, wait_live

def where(p, cid):
    return p.evaluate(f"(document.getElementById('action-{cid}')||{{}}).parentElement?.dataset.column")

def test_explore(new_page, api):
    c1, c2 = api.create(), api.create()
    a = new_page(SANNE); b = new_page(MOHAMED)
    t0=time.monotonic()
    b.context.set_offline(True)
    b.wait_for_selector("#connection[data-state=offline]", state="attached")
    print("offline after", time.monotonic()-t0, b.is_visible("#connection"), b.inner_text("#connection"))
    a.click(f"#action-{c1} button[data-move='1']")
    a.click(f"#action-{c2} button[data-move='1']")
    a.wait_for_timeout(300)
    a.click(f"#action-{c2} button[data-move='1']")
    a.wait_for_timeout(1000)
    print("A", where(a,c1), where(a,c2), "B", where(b,c1), where(b,c2))
    # try moving offline in B
    b.click(f"#action-{c1} button[data-move='1']")
    b.wait_for_timeout(500)
    print("B after offline move", where(b,c1), repr(b.inner_text("#messages")))
    t0=time.monotonic()
    b.context.set_offline(False)
    b.wait_for_selector("#connection[data-state=online]", state="attached", timeout=20000)
    print("online after", time.monotonic()-t0)
    b.wait_for_timeout(500)
    print("B", where(b,c1), where(b,c2), b.inner_text("#announcer"))
    print(a.errors, b.errors)
