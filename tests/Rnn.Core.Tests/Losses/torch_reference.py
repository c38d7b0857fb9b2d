# Golden values of CrossEntropyLossTest, MseLossTest, HuberLossTest and ActivationsTest: /usr/bin/python3 torch_reference.py (torch 1.13).
import torch
x = torch.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0], [2.0, 2.0, 2.0], [-0.5, 0.25, 1.5]], requires_grad=True)
l = torch.nn.functional.cross_entropy(x, torch.tensor([1, 2, -100, 0]), weight=torch.tensor([0.5, 2.0, 1.5]))
l.backward(); print(repr(l.item())); print(x.grad.flatten().tolist())
x.grad = None
l = torch.nn.functional.cross_entropy(x, torch.tensor([1, 2, 0, 0])); l.backward(); print(repr(l.item())); print(x.grad.flatten().tolist())
p = torch.tensor([0.5, -2.0, 3.0, 0.1], requires_grad=True); q = torch.tensor([0.0, 0.5, 0.0, 0.3])
l = torch.nn.functional.huber_loss(p, q, delta=1.5); l.backward(); print(repr(l.item()), p.grad.tolist())
p.grad = None
l = torch.nn.functional.mse_loss(p, q); l.backward(); print(repr(l.item()), p.grad.tolist())
print(torch.log_softmax(x.detach(), 1).flatten().tolist())
