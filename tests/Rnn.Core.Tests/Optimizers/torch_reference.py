# Golden values of SgdTest/AdamTest/AdamWTest: run with /usr/bin/python3 (torch 1.13) and paste the printed rows.
import torch
grads = [[0.1, -0.2, 0.3, 0.0], [-0.5, 0.4, 0.05, 1.0], [0.2, 0.2, -0.1, -0.3]]
def run(name, make):
    p = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0, 0.0]))
    opt = make([p])
    print(name)
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        print("   ", [repr(v) for v in p.detach().tolist()])
run("sgd momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01))
run("sgd nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
run("sgd plain", lambda ps: torch.optim.SGD(ps, lr=0.1))
run("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1))
run("adam default", lambda ps: torch.optim.Adam(ps))
run("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1))
run("adamw default", lambda ps: torch.optim.AdamW(ps, lr=0.01))
