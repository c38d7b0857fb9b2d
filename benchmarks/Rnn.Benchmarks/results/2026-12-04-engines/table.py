# Usage: python3 table.py DIR [DIR ...] -- the markdown table of docs/performance.md §3: for every engine/threads/policy
# file (managed-2t.jsonl, torch-2t-passive.jsonl, ...) the best result of each workload over the given runs.
import json,glob,sys,os
res={}; p99={}
for d in sys.argv[1:]:
    for f in glob.glob(d+'/*.jsonl'):
        tag=os.path.basename(f)[:-6]
        for l in open(f):
            try: j=json.loads(l)
            except: continue
            if j.get('type')!='result': continue
            k=(tag,j['workload'])
            hib=j['unit'] not in ('s','us')
            if k not in res or (j['value']>res[k]['value'] if hib else j['value']<res[k]['value']): res[k]=j
            if 'latency_p99_us' in j: p99[k]=min(p99.get(k,1e18), j['latency_p99_us'])
for k in p99: res[k]['latency_p99_us']=p99[k]
order=['seed_trend','sine','lstm_cls','gru_cls','charlm','rnn_big','infer_latency','infer_batch256','matmul_ref']
anchor2={'seed_trend':0.121,'sine':0.0700,'lstm_cls':1382,'gru_cls':1702,'charlm':22447,'rnn_big':624.3,'infer_latency':1269,'infer_batch256':5172,'matmul_ref':214.2}
anchor1={'seed_trend':0.0667,'sine':0.0503,'lstm_cls':1241,'gru_cls':1651,'charlm':19409,'rnn_big':467.3,'infer_latency':1078,'infer_batch256':5150,'matmul_ref':132.0}
def fmt(v):
    if v is None: return '–'
    if v>=1000: return f'{v:,.0f}'
    if v>=100: return f'{v:.0f}'
    if v>=1: return f'{v:.1f}'
    return f'{v:.3g}'
print('| workload | metric | RnnMl 2t | TorchSharp 2t default / PASSIVE | RnnMl 1t | TorchSharp 1t default / PASSIVE | TorchSharp best of 4 | **RnnMl 2t ÷ TorchSharp best** | RnnMl 1t ÷ TorchSharp best 1t | PyTorch 1.13 anchor 2t / 1t | foreign CPU s (max) |')
print('|---|---|---|---|---|---|---|---|---|---|---|')
for w in order:
    g=lambda tag: res.get((tag,w))
    m2,m1=g('managed-2t'),g('managed-1t')
    t=[g('torch-2t-default'),g('torch-2t-passive'),g('torch-1t-default'),g('torch-1t-passive')]
    if m2 is None: continue
    hib=m2['unit'] not in ('s','us')
    vals=[x['value'] if x else None for x in t]
    present=[v for v in vals if v is not None]
    best=(max if hib else min)(present) if present else None
    best1=(max if hib else min)([v for v in vals[2:] if v is not None]) if any(vals[2:]) else None
    ratio=lambda a,b: (a/b if hib else b/a) if a and b else None
    foreign=max([x.get('foreign_cpu_s',0) or 0 for x in [m2,m1]+t if x])
    print(f"| {w} | {m2['metric']} ({m2['unit']}) | {fmt(m2['value'])} | {fmt(vals[0])} / {fmt(vals[1])} | {fmt(m1['value'] if m1 else None)} | {fmt(vals[2])} / {fmt(vals[3])} | {fmt(best)} | **{fmt(ratio(m2['value'],best))}** | {fmt(ratio(m1['value'] if m1 else None,best1))} | {fmt(anchor2[w])} / {fmt(anchor1[w])} | {foreign:.1f} |")
    if w=='infer_latency':
        p=lambda x: x.get('latency_p99_us') if x else None
        vals99=[p(x) for x in t]; b99=min([v for v in vals99 if v]) ; b99_1=min([v for v in vals99[2:] if v])
        print(f"| {w} | latency_p99_us (us) | {fmt(p(m2))} | {fmt(vals99[0])} / {fmt(vals99[1])} | {fmt(p(m1))} | {fmt(vals99[2])} / {fmt(vals99[3])} | {fmt(b99)} | **{fmt(b99/p(m2))}** | {fmt(b99_1/p(m1))} | 2,282 / 1,668 | |")
