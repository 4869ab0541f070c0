# Half typed completion edge cases
import sys; sys.path.insert(0,'/tmp/audit38c')
from lsp import *
W='/tmp/audit38c/w19'
c=Client(); c.init(W)
M=W+'/cm2.ln'; v=1; c.open(M,'')
def comp(text, marker='‸'):
    global v
    i=text.index(marker); t=text.replace(marker,'')
    line=t[:i].count('\n'); ch=u16(t[:i][t[:i].rfind('\n')+1:])
    v+=1; c.change(M,v,[{'text':t}])
    r=c.pos('textDocument/completion',M,line,ch)
    res=r.get('result')
    items=res['items'] if isinstance(res,dict) else res
    return [x['label'] for x in items or []] if 'result' in r else r
cases={
 'open_paren': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    print(v.‸\n}\n',
 'if_head': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    if v.‸\n}\n',
 'for_head': 'fn main() {\n    let xs = [1]\n    for x in xs.‸\n}\n',
 'interp_open': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    print("{v.‸\n}\n',
 'emoji_before': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    print("😀😀😀", v.‸)\n}\n',
 'emoji_before_partial': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    print("😀😀😀", v.y‸)\n}\n',
 'mod_type': 'import geom\nfn f(a: geom.‸) {\n}\nfn main() {\n}\n',
 'chain': 'import geom\nfn main() {\n    let v = geom.make(1.0)\n    print(geom.make(2.0).‸)\n}\n',
 'opt': 'import geom\nfn main() {\n    var v: ?geom.Vec2 = nil\n    print(v!.‸)\n}\n',
 'scope_later': 'fn main() {\n    let a1 = 1\n    if true {\n        let b1 = 2\n    }\n    print(‸)\n    let c1 = 3\n}\n',
 'param': 'fn f(alpha: int, ‸) {\n}\n',
 'closure_param': 'fn main() {\n    let xs = [1]\n    let ys = xs.map(fn(item) => item.‸)\n}\n',
 'enum_eq_no_block': 'import geom\nfn main() {\n    let s: geom.Shape = .Empty\n    while s == .‸\n}\n',
 'after_dot_number': 'fn main() {\n    let f = 1.‸\n}\n',
 'top_level': '‸\nfn main() {\n}\n',
 'string_method': 'fn main() {\n    "abc".‸\n}\n',
 'util_mod': 'import util\nfn main() {\n    util.‸\n}\n',
}
for k,t in cases.items():
    r=comp(t); print(k, len(r) if isinstance(r,list) else r, r[:25] if isinstance(r,list) else '')
print(''.join(c.stderr)[-500:])
